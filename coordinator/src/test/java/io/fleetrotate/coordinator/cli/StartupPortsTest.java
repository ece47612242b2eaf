package io.fleetrotate.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.CoordinatorMain;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator process whose HTTP or Hazelcast port is taken stops with one sentence naming
 * the key and port, exit code 2, before its store directory is created.
 */
class StartupPortsTest {
  private static final String TOKENS =
      "auth: {agentTokens: [agent-token-0123456789], adminTokens: [admin-token-0123456789]}\n";

  @TempDir Path dir;

  @Test
  void httpPortInUseIsOneSentenceWithExit2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path config = write("{bind: 127.0.0.1, port: " + port + "}", "{enabled: false}");
      assertRefused(
          config,
          config
              + ": http.port "
              + port
              + " is already in use on 127.0.0.1; stop the process listening there or set"
              + " another http.port.");
    }
  }

  @Test
  void hazelcastPortInUseIsOneSentenceWithExit2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path config = write("{bind: 127.0.0.1, port: 0}", "{bind: 127.0.0.1, port: " + port + "}");
      assertRefused(
          config,
          config
              + ": hazelcast.port "
              + port
              + " is already in use on 127.0.0.1; stop the process listening there or set"
              + " another hazelcast.port.");
    }
  }

  private void assertRefused(Path config, String sentence) throws Exception {
    Path out = dir.resolve("out.txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CoordinatorMain.class.getName());
    cmd.addAll(List.of("run", "--config", config.toString()));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("coordinator exited").isTrue();
    List<String> printed = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code; output %s", printed).isEqualTo(2);
    assertThat(printed).contains(sentence);
    assertThat(printed).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    assertThat(dir.resolve("store")).doesNotExist();
  }

  private Path write(String http, String hazelcast) throws Exception {
    String yaml =
        TOKENS
            + "http: "
            + http
            + "\nhazelcast: "
            + hazelcast
            + "\nstore: {dir: "
            + dir.resolve("store")
            + "}\n";
    return Files.writeString(dir.resolve("coordinator.yaml"), yaml);
  }
}
