package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.testsupport.Promtool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon rotates due files on its own and serves /health and /metrics over real HTTP. */
class AgentDaemonTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private String get(int port, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  @Test
  void theDaemonRotatesADueFileAndServesHealthAndMetrics() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(200_000));
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: daemon-test, group: g }
            stateDir: %s
            checkInterval: 1s
            http: { port: 0, bind: 127.0.0.1 }
            files:
              - path: %s
                trigger: { maxSize: 1MiB }
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), live));
    AgentConfig c = ConfigLoader.load(config, Map.of());
    AgentMetrics metrics = new AgentMetrics();
    List<RotationOutcome> seen = new CopyOnWriteArrayList<>();
    try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      Agent agent =
          new Agent(c, lock, Clock.systemUTC(), metrics, (o, backend, waitMs) -> seen.add(o));
      try (AgentDaemon daemon = new AgentDaemon(agent, AgentDaemon.Companion.NONE)) {
        int port = daemon.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty());
        assertThat(seen.get(0).succeeded()).as(seen.get(0).message()).isTrue();
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(get(port, "/health")).contains("\"status\":\"UP\""));
        String scrape = get(port, "/metrics");
        assertThat(scrape)
            .contains("fleetrotate_rotations_total{group=\"g\",reason=\"none\",result=\"SUCCESS\"}")
            .contains("fleetrotate_rotation_duration_seconds_bucket")
            .contains("fleetrotate_disk_used_ratio{mount=")
            .contains("fleetrotate_file_size_bytes{path=\"" + live + "\"}");
        Promtool.assertMetricsClean(scrape, dir);
      }
    }
  }
}
