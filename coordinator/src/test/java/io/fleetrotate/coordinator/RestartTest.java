package io.fleetrotate.coordinator;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  @TempDir Path dir;

  @Test
  void historyNodeStateAndCountsSurviveAStopAndStart() throws Exception {
    MutableClock clock = new MutableClock(T0);
    RotationEvent ok = Wire.event("n1", Result.SUCCESS, T0);
    RotationEvent failed = Wire.event("n1", Result.FAILED, T0);
    try (Coordinator c = Coordinator.start(TestCoordinators.config(dir), clock)) {
      Http http = new Http(c.port());
      http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.7));
      http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n2", T0, 0.2));
      assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(List.of(ok, failed))).status())
          .isEqualTo(200);
    }
    clock.advance(Duration.ofSeconds(5));
    try (Coordinator c = Coordinator.start(TestCoordinators.config(dir), clock)) {
      Http http = new Http(c.port());
      JsonObject n1 = http.get("/api/v1/nodes/n1", ADMIN).json();
      assertThat(n1.getString("state")).isEqualTo("up");
      assertThat(n1.getString("lastHeartbeat")).isEqualTo(T0.toString());
      assertThat(n1.getJsonArray("recentRotations")).hasSize(2);
      assertThat(http.get("/api/v1/nodes", ADMIN).json().getInteger("count")).isEqualTo(2);
      assertThat(successRatio1h(http)).isEqualTo(0.5);
      // A redelivery after the restart is still recognised, and still counted once.
      assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(List.of(ok))).status())
          .isEqualTo(200);
      assertThat(c.history().size()).isEqualTo(2);
      assertThat(c.metrics().scrape())
          .contains(
              "fleetrotate_rotations_total{node=\"n1\",group=\"mcp-server\",result=\"SUCCESS\",reason=\"none\"} 1\n");
    }
  }

  /**
   * A start counts the history from the store's summaries, not by reading it back: with every
   * stored event made unreadable, the counts, the last rotation and the success ratio are restored
   * all the same (a start that decoded the history would skip each event and count nothing).
   */
  @Test
  void aStartCountsFromTheSummariesWithoutReadingTheEvents() throws Exception {
    MutableClock clock = new MutableClock(T0);
    RotationEvent ok = Wire.event("n1", Result.SUCCESS, T0.minusSeconds(60));
    RotationEvent failed = Wire.event("n1", Result.FAILED, T0);
    try (Coordinator c = Coordinator.start(TestCoordinators.config(dir), clock)) {
      Http http = new Http(c.port());
      http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.7));
      assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(List.of(ok, failed))).status())
          .isEqualTo(200);
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        Statement s = db.createStatement()) {
      assertThat(s.executeUpdate("UPDATE rotation_event SET body = 'not an event'")).isEqualTo(2);
    }
    clock.advance(Duration.ofSeconds(5));
    try (Coordinator c = Coordinator.start(TestCoordinators.config(dir), clock)) {
      Http http = new Http(c.port());
      assertThat(c.history().size()).isEqualTo(2);
      assertThat(successRatio1h(http)).isEqualTo(0.5);
      assertThat(c.fleet().node("n1").orElseThrow().lastRotations())
          .singleElement()
          .satisfies(
              last -> {
                assertThat(last.finishedAt()).isEqualTo(T0);
                assertThat(last.result()).isEqualTo(Result.FAILED);
                assertThat(last.compressionRatio()).isEqualTo(0.1);
              });
      assertThat(c.metrics().scrape())
          .contains(
              "fleetrotate_rotations_total{node=\"n1\",group=\"mcp-server\",result=\"SUCCESS\",reason=\"none\"} 1\n",
              "fleetrotate_rotations_total{node=\"n1\",group=\"mcp-server\",result=\"FAILED\",reason=\"IO_ERROR\"} 1\n");
    }
  }

  private static double successRatio1h(Http http) throws Exception {
    return http.get("/api/v1/fleet", ADMIN)
        .json()
        .getJsonObject("rotations")
        .getDouble("successRatio1h");
  }
}
