package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator (real HTTP, stopped and restarted on its port) comes back while the outbox waits
 * out a long backoff: the first answered heartbeat ends the wait, and the outbox drains within 2 s
 * of it rather than when the backoff ends.
 */
class DrainOnHeartbeatTest {
  /** Long enough that draining at its end would fail the test by far. */
  private static final ReportSettings LONG_BACKOFF =
      new ReportSettings(
          Duration.ofSeconds(40),
          Duration.ofSeconds(60),
          500,
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          100_000,
          Duration.ofSeconds(2));

  @TempDir Path dir;

  @Test
  void theOutboxDrainsWithinTwoSecondsOfTheFirstAnsweredHeartbeat() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(1_000));
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try (FakeCoordinator coordinator = FakeCoordinator.start();
        LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      Path yaml =
          Files.writeString(
              dir.resolve("agent.yaml"),
              """
              node: { id: drain-test, group: g }
              stateDir: %s
              http: { enabled: false }
              coordinator: { url: "%s", token: "%s", heartbeat: 1s }
              files:
                - path: %s
                  trigger: { maxSize: 1GiB }
                  reopen: { method: copytruncate }
              """
                  .formatted(dir.resolve("state"), coordinator.url(), FakeCoordinator.TOKEN, live));
      AgentConfig c = ConfigLoader.load(yaml, Map.of());
      AgentMetrics metrics = new AgentMetrics();
      Reporter reporter =
          Reporter.open(
              c,
              c.coordinator().orElseThrow(),
              metrics.registry(),
              Clock.systemUTC(),
              "test",
              LONG_BACKOFF,
              Durable.SYSTEM);
      try {
        Agent agent = new Agent(c, lock, Clock.systemUTC(), metrics, reporter.listener());
        coordinator.stop();
        reporter.start(agent, worker);
        worker.submit(() -> agent.rotateNow(live, Trigger.MANUAL, ProgressListener.NONE)).get();
        // The send fails and the sender settles into its backoff (20 to 40 s).
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> reporter.pendingEvents() == 1 && failedSends(metrics) >= 1);

        coordinator.restart();
        int before = coordinator.heartbeats().size();
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> coordinator.heartbeats().size() > before);
        long answered = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> coordinator.stored().size() == 1);
        Duration drained = Duration.ofNanos(System.nanoTime() - answered);
        System.out.println("outbox drained " + drained.toMillis() + " ms after the heartbeat");
        assertThat(drained).isLessThan(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> reporter.pendingEvents() == 0);
      } finally {
        reporter.close();
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private static double failedSends(AgentMetrics metrics) {
    var c =
        metrics
            .registry()
            .find("fleetrotate_agent_event_batches")
            .tag("outcome", "unreachable")
            .counter();
    return c == null ? 0 : c.count();
  }
}
