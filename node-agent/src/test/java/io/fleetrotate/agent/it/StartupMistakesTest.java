package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each start-up mistake of the real agent process is one sentence naming the key and value, with
 * its exit code, before any file is touched; paths that name no file are a WARN at validate and at
 * run, and named by status.
 */
class StartupMistakesTest {
  @TempDir Path dir;

  @Test
  void httpPortInUseIsOneSentenceWithExit2BeforeAnyFileIsTouched() throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Path stateDir = dir.resolve("state");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path config =
          write(
              "stateDir: "
                  + stateDir
                  + "\nhttp: {bind: 127.0.0.1, port: "
                  + port
                  + "}\nfiles:\n  - path: "
                  + dir.resolve("logs/app.log")
                  + "\n    trigger: {maxSize: 1MiB}\n");
      Path out = dir.resolve("out.txt");

      assertThat(AgentProcess.run(out, "run", "--config", config.toString())).isEqualTo(2);

      List<String> printed = Files.readAllLines(out, StandardCharsets.UTF_8);
      assertThat(printed).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
      assertThat(printed)
          .contains(
              config
                  + ": http.port "
                  + port
                  + " is already in use on 127.0.0.1; stop the process listening there or set"
                  + " another http.port.");
      assertThat(stateDir).doesNotExist();
    }
  }

  @Test
  void anUnknownLogFormatIsOneSentenceWithExit2() throws Exception {
    Path option = dir.resolve("option.txt");
    assertThat(AgentProcess.run(option, "--log-format=xml", "--version")).isEqualTo(2);
    assertThat(Files.readAllLines(option, StandardCharsets.UTF_8))
        .containsExactly("--log-format \"xml\" is not a log format; allowed values: text, json.");

    Path env = dir.resolve("env.txt");
    assertThat(AgentProcess.run(env, Map.of("FLEETROTATE_LOG_FORMAT", "yaml"), "--version"))
        .isEqualTo(2);
    assertThat(Files.readAllLines(env, StandardCharsets.UTF_8))
        .containsExactly(
            "FLEETROTATE_LOG_FORMAT \"yaml\" is not a log format; allowed values: text, json.");
  }

  @Test
  void missingLogDirectoryAndEmptyGlobAreWarnedAtValidateRunAndStatus() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    Path missing = dir.resolve("no-such-dir/app.log");
    Path glob = dir.resolve("empty/*.log");
    Path config =
        write(
            "stateDir: "
                + dir.resolve("state")
                + "\nhttp: {enabled: false}\nfiles:\n  - path: "
                + missing
                + "\n    trigger: {maxSize: 1MiB}\n  - path: \""
                + glob
                + "\"\n    trigger: {maxSize: 1MiB}\n");
    String missingDir =
        "files[0].path \""
            + missing
            + "\": the directory "
            + missing.getParent()
            + " does not exist; nothing is rotated there until it is created.";
    String noMatch =
        "files[1].path \""
            + glob
            + "\": matches no file yet; nothing is rotated until a file"
            + " matches.";

    Path validate = dir.resolve("validate.txt");
    assertThat(AgentProcess.run(validate, "validate", "--config", config.toString())).isZero();
    assertThat(Files.readAllLines(validate))
        .containsSubsequence("WARN " + missingDir, "WARN " + noMatch);

    Path status = dir.resolve("status.txt");
    assertThat(AgentProcess.run(status, "status", "--config", config.toString())).isZero();
    assertThat(Files.readAllLines(status)).contains(missingDir, noMatch);

    // run: the same sentences as WARN log lines (JSON, so quotes are escaped), and it keeps
    // running.
    Path run = dir.resolve("run.txt");
    Process agent = AgentProcess.start(run, List.of(), "run", "--config", config.toString());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(run))
                      .contains(missingDir.replace("\"", "\\\""), noMatch.replace("\"", "\\\""))
                      .contains("\"WARN\""));
      assertThat(agent.isAlive()).as("the agent runs on: the paths may appear later").isTrue();
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("agent.yaml"), yaml);
  }
}
