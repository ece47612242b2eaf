package io.fleetrotate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.AgentMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The agent's command line, run in-process against real files. */
class AgentCliTest {

  @TempDir Path dir;
  private Path logs;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void logDirectory() throws Exception {
    logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
  }

  private int run(String... args) {
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path config(String trigger) throws Exception {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        """
        node: { id: cli-test, group: g }
        stateDir: %s
        http: { enabled: false }
        files:
          - path: %s/*.log
            trigger: %s
            compress: { codec: gzip }
            reopen: { method: copytruncate }
        """
            .formatted(dir.resolve("state"), logs, trigger));
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("run", "validate", "status", "rotate", "Exit codes");
  }

  @Test
  void validateAcceptsAGoodConfiguration() throws Exception {
    Path c = config("{ maxSize: 1MiB }");
    assertThat(run("validate", "--config", c.toString())).isZero();
    assertThat(out.toString())
        .contains("is valid", "node cli-test", "group g", "lock backend local");
  }

  @Test
  void validateListsEveryErrorWithItsLineAndExitsTwo() throws Exception {
    Path c =
        Files.writeString(
            dir.resolve("bad.yaml"),
            """
            stateDir: /var/lib/fleetrotate
            checkInterval: soon
            files:
              - path: /var/log/mcp/server.log
                trigger: { maxSize: 100 MB }
                retention: { kepp: 3 }
            """);
    assertThat(run("validate", "--config", c.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("bad.yaml:2: checkInterval")
        .contains("bad.yaml:5: files[0].trigger.maxSize")
        .contains("100MiB")
        .contains("bad.yaml:6: files[0].retention.kepp")
        .contains("keep");
  }

  @Test
  void statusShowsSizeAndWhatIsDue() throws Exception {
    Files.writeString(logs.resolve("big.log"), "x".repeat(2 << 20));
    Files.writeString(logs.resolve("small.log"), "tiny\n");
    Path c = config("{ maxSize: 1MiB }");

    assertThat(run("status", "--config", c.toString())).isZero();
    assertThat(out.toString())
        .contains("big.log", "due now: SIZE trigger")
        .contains("small.log", "not due; size trigger in");
  }

  @Test
  void statusMeasuresGrowthSinceTheLastRecordedSampleAndEndsNoLineWithASemicolon()
      throws Exception {
    Path c = config("{ maxSize: 1GiB }");
    assertThat(run("status", "--config", c.toString())).isZero();
    assertThat(out.toString())
        .contains("no watched file exists yet: " + logs.resolve("*.log"))
        .contains("matches no file yet");

    Path growing = Files.writeString(logs.resolve("growing.log"), "line\n".repeat(1000));
    // status records nothing; advise, like the daemon's check, records a growth sample.
    assertThat(run("advise", "--config", c.toString())).isZero();
    Files.writeString(growing, "x".repeat(1 << 20), java.nio.file.StandardOpenOption.APPEND);
    out.getBuffer().setLength(0);
    assertThat(run("status", "--config", c.toString())).isZero();

    String shown = out.toString();
    assertThat(shown).contains("growing.log").doesNotContain("growing 0B/s");
    assertThat(shown).containsPattern("growing [1-9][0-9.]*[KMG]?i?B/s");
    assertThat(shown.lines()).noneMatch(l -> l.strip().endsWith(";"));
  }

  @Test
  void rotateNowRotatesEveryWatchedFileAndExitsZero() throws Exception {
    Files.writeString(logs.resolve("a.log"), "line a\n".repeat(1000));
    Files.writeString(logs.resolve("b.log"), "line b\n".repeat(1000));
    Path c = config("{ maxSize: 1GiB }");

    assertThat(run("rotate", "--config", c.toString(), "--now")).isZero();
    assertThat(out.toString()).contains("SUCCESS", "a.log", "b.log");
    try (Stream<Path> s = Files.list(logs)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .filteredOn(n -> n.endsWith(".gz"))
          .hasSize(2);
    }
    assertThat(Files.size(logs.resolve("a.log"))).isZero();
  }

  @Test
  void rotateWithoutNowLeavesFilesThatAreNotDue() throws Exception {
    Files.writeString(logs.resolve("a.log"), "line a\n");
    Path c = config("{ maxSize: 1GiB }");

    assertThat(run("rotate", "--config", c.toString())).isZero();
    assertThat(out.toString()).contains("nothing is due");
    try (Stream<Path> s = Files.list(logs)) {
      assertThat(s).hasSize(1);
    }
  }

  @Test
  void aFailedRotationExitsOne() throws Exception {
    Path open = Files.createDirectories(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.writeString(open.resolve("server.log"), "line\n");
    Path c =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            stateDir: %s
            http: { enabled: false }
            files:
              - path: %s/server.log
            """
                .formatted(dir.resolve("state"), open));

    assertThat(run("rotate", "--config", c.toString(), "--now")).isEqualTo(1);
    assertThat(out.toString()).contains("FAILED", "CONFIG_ERROR", "world-writable");
  }

  @Test
  void aMissingConfigurationFileIsOneClearSentence() {
    assertThat(run("validate", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope.yaml").doesNotContain("Exception");
  }
}
