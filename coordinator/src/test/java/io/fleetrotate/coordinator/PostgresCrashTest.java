package io.fleetrotate.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Postgres;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Store;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.testsupport.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL killed and restarted while agents post events: nothing acknowledged is lost. */
class PostgresCrashTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  PostgresServer server;
  Coordinator coordinator;

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyAcknowledgedEventSurvivesAKillAndRestartAndTheOutageAnswers503WithRetryAfter()
      throws Exception {
    var bin = PostgresServer.binaries();
    Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed");
    server = PostgresServer.start(bin.get());
    CoordinatorConfig base = TestCoordinators.config(dir);
    CoordinatorConfig config =
        new CoordinatorConfig(
            base.source(),
            base.http(),
            base.auth(),
            base.hazelcast(),
            new Store(
                dir,
                Duration.ofDays(30),
                Optional.of(new Postgres(server.jdbcUrl("postgres"), PostgresServer.USER, "", 2))),
            base.liveness(),
            base.alerts(),
            base.rateLimit(),
            CoordinatorConfig.Limits.DEFAULTS);
    coordinator = Coordinator.start(config, new MutableClock(T0));
    Http http = new Http(coordinator.port());

    Set<RotationEvent> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger refused = new AtomicInteger();
    Runnable postOne =
        () -> {
          List<RotationEvent> batch = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            batch.add(Wire.event("n" + (i % 5), Result.SUCCESS, T0));
          }
          Http.Response r = http.post("/api/v1/events", Http.AGENT, Wire.eventsJson(batch));
          if (r.status() == 200) {
            acked.addAll(batch);
          } else {
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.header("retry-after")).isEqualTo("5");
            refused.incrementAndGet();
          }
        };
    AtomicBoolean running = new AtomicBoolean(true);
    CompletableFuture<Void> agent =
        CompletableFuture.runAsync(
            () -> {
              while (running.get()) {
                postOne.run();
              }
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 1000);
    // Killed mid-ingest: some batch is being written or committed as it dies.
    server.kill();
    await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() > 0 || agent.isDone());
    int beforeRestart = acked.size();
    server.restart();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> acked.size() >= beforeRestart + 1000 || agent.isDone());
    running.set(false);
    agent.get(30, TimeUnit.SECONDS);
    assertThat(refused.get()).isPositive();
    assertThat(acked.size()).isGreaterThanOrEqualTo(beforeRestart + 1000);
    for (RotationEvent e : acked) {
      assertThat(coordinator.history().contains(e))
          .as("acknowledged event %s", e.eventId())
          .isTrue();
    }
  }
}
