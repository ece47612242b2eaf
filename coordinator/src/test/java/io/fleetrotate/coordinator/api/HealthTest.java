package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /health} counts the reporting nodes and the held events from counters kept as they
 * change, not by walking the fleet or the history: the same figures after duplicates, a node known
 * only from its events, a restart and a retention sweep.
 */
class HealthTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);

  @Test
  void countsNodesThatReportedAndEventsHeldAcrossDuplicatesRestartAndSweep() throws Exception {
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(Wire.event("n" + (i % 2), Result.SUCCESS, T0.minusSeconds(60L * i)));
    }
    events.add(Wire.event("only-events", Result.FAILED, T0.minus(Duration.ofDays(20))));
    try (Coordinator c = Coordinator.start(TestCoordinators.config(dir), clock)) {
      Http http = new Http(c.port());
      for (String node : List.of("n0", "n1", "n2")) {
        assertThat(
                http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson(node, T0, 0.4)).status())
            .isEqualTo(200);
      }
      // Again: a known node is not counted twice.
      http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n0", T0, 0.4));
      assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status())
          .isEqualTo(200);
      assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status())
          .isEqualTo(200);
      assertCounts(http, 3, 6);
    }
    try (Coordinator c = Coordinator.start(TestCoordinators.config(dir), clock)) {
      Http http = new Http(c.port());
      assertCounts(http, 3, 6);
      clock.advance(Duration.ofDays(15));
      c.history().sweep(clock.instant());
      assertCounts(http, 3, 5);
    }
  }

  private static void assertCounts(Http http, int nodes, long events) {
    JsonObject health = http.get("/health", ADMIN).json();
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getInteger("nodes")).isEqualTo(nodes);
    assertThat(health.getLong("events")).isEqualTo(events);
  }
}
