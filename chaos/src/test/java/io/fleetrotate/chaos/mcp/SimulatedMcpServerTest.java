package io.fleetrotate.chaos.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.chaos.fleet.FleetJars;
import io.fleetrotate.chaos.fleet.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated MCP server as a process: lines, pid file, reopen on SIGHUP, stop on SIGTERM. */
class SimulatedMcpServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void writesNumberedMcpLinesAndReopensOnSighupWithoutLosingOne() throws Exception {
    Path log = dir.resolve("logs/server.log");
    Path pidFile = dir.resolve("server.pid");
    Path out = dir.resolve("server.out");
    Process server =
        new ProcessBuilder(
                FleetJars.java(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                SimulatedMcpServer.class.getName(),
                "--log",
                log.toString(),
                "--pid-file",
                pidFile.toString(),
                "--rate",
                "2000",
                "--exit-with-parent",
                Long.toString(ProcessHandle.current().pid()))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
      assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(server.pid()));
      await().atMost(Duration.ofSeconds(30)).until(() -> lines(log) > 500);

      Path moved = dir.resolve("logs/server.log.1");
      Files.move(log, moved);
      Signals.send("HUP", server.pid());
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && lines(log) > 500);
      long movedLines = lines(moved);
      await()
          .pollDelay(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> lines(moved) == movedLines);

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String said = Files.readString(out).strip();
      long last = Long.parseLong(said.replaceAll("(?s).*last seq (\\d+)$", "$1"));
      assertThat(pidFile).doesNotExist();

      List<JsonNode> all = new ArrayList<>();
      for (Path p : List.of(moved, log)) {
        for (String line : Files.readAllLines(p)) {
          all.add(JSON.readTree(line));
        }
      }
      Set<Long> seqs = new HashSet<>();
      Set<String> methods = new HashSet<>();
      Set<String> levels = new HashSet<>();
      for (JsonNode j : all) {
        assertThat(seqs.add(j.path("seq").asLong())).as("seq %s once", j.path("seq")).isTrue();
        assertThat(j.path("ts").asText()).isNotEmpty();
        assertThat(j.path("session").asText()).startsWith("sess-");
        methods.add(j.path("method").asText());
        levels.add(j.path("level").asText());
      }
      assertThat(all).hasSize((int) last);
      assertThat(seqs).allMatch(s -> s >= 1 && s <= last);
      assertThat(methods).contains("tools/call", "resources/read");
      assertThat(levels).contains("INFO", "WARN", "ERROR");
      // Lines after the SIGHUP went to the new file, in order.
      long firstNew = JSON.readTree(Files.readAllLines(log).get(0)).path("seq").asLong();
      assertThat(firstNew).isEqualTo(movedLines + 1);
    } finally {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long lines(Path p) throws Exception {
    if (!Files.exists(p)) {
      return 0;
    }
    try (var s = Files.lines(p)) {
      return s.count();
    }
  }
}
