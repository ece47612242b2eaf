package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentDaemon;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with reporting wired in as {@code run} wires it, over real HTTP both ways. */
class ReportingDaemonTest {
  @TempDir Path dir;

  @Test
  void aRotationTheCheckLoopMakesReachesTheCoordinatorAndMetricsStayPromtoolClean()
      throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(200_000));
    try (FakeCoordinator coordinator = FakeCoordinator.start()) {
      Path yaml =
          Files.writeString(
              dir.resolve("agent.yaml"),
              """
              node: { id: daemon-report-test, group: g }
              stateDir: %s
              checkInterval: 1s
              http: { port: 0, bind: 127.0.0.1 }
              coordinator: { url: "%s", token: "%s", heartbeat: 1s }
              files:
                - path: %s
                  trigger: { maxSize: 1MiB }
                  reopen: { method: copytruncate }
              """
                  .formatted(dir.resolve("state"), coordinator.url(), FakeCoordinator.TOKEN, live));
      AgentConfig c = ConfigLoader.load(yaml, Map.of());
      AgentMetrics metrics = new AgentMetrics();
      Reporter reporter =
          Reporter.open(
              c, c.coordinator().orElseThrow(), metrics.registry(), Clock.systemUTC(), "test");
      try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
        Agent agent = new Agent(c, lock, Clock.systemUTC(), metrics, reporter.listener());
        try (AgentDaemon daemon = new AgentDaemon(agent, reporter)) {
          int port = daemon.start();

          await().atMost(Duration.ofSeconds(30)).until(() -> !coordinator.stored().isEmpty());
          RotationEvent e = coordinator.stored().get(0);
          assertThat(e.trigger()).isEqualTo(Trigger.SIZE);
          assertThat(e.result()).isEqualTo(Result.SUCCESS);
          assertThat(e.path()).isEqualTo(live.toString());
          assertThat(e.nodeId()).isEqualTo("daemon-report-test");
          await().atMost(Duration.ofSeconds(30)).until(() -> !coordinator.heartbeats().isEmpty());
          await().atMost(Duration.ofSeconds(10)).until(() -> reporter.pendingEvents() == 0);

          String scrape = get(port, "/metrics");
          assertThat(scrape)
              .contains("fleetrotate_agent_outbox_pending_events 0.0")
              .contains("fleetrotate_agent_events_sent_total 1.0")
              .contains("fleetrotate_agent_heartbeats_total{outcome=\"ok\"}")
              .contains("fleetrotate_agent_last_report_age_seconds")
              .contains(
                  "fleetrotate_rotations_total{group=\"g\",reason=\"none\",result=\"SUCCESS\"}");
          Promtool.assertMetricsClean(scrape, dir);
        }
      }
      assertThat(Outbox.depth(Reporter.outboxDir(c.stateDir())).pending()).isZero();
    }
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
