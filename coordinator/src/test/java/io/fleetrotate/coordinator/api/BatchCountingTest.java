package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.fleet.RotationCount;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event is counted (fleet state, metrics) exactly when it is stored, and a bad event in a batch
 * never keeps the others from being stored and counted.
 */
class BatchCountingTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.start(TestCoordinators.config(dir), clock);
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  private long rotationsCounted(String node) {
    return coordinator.fleet().allNodes().stream()
        .filter(n -> n.nodeId().equals(node))
        .flatMap(n -> n.rotationCounts().stream())
        .mapToLong(RotationCount::count)
        .sum();
  }

  private double metric(String sample) {
    String text = http.get("/metrics", null).body();
    return text.lines()
        .filter(l -> l.startsWith(sample + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1)))
        .findFirst()
        .orElse(0);
  }

  @Test
  void badEventInTheMiddleOfABatchDoesNotKeepTheOthersFromBeingStoredAndCounted() {
    RotationEvent first = Wire.event("n1", Result.SUCCESS, T0.minusSeconds(60));
    RotationEvent bad = Wire.event("n1", Result.SUCCESS, T0.minusSeconds(30));
    RotationEvent last = Wire.event("n1", Result.FAILED, T0);
    JsonArray batch = new JsonArray(Wire.eventsJson(List.of(first, bad, last)));
    batch.getJsonObject(1).put("startedAt", "1700-01-01T00:00:00Z");

    Http.Response r = http.post("/api/v1/events", AGENT, batch.encode());

    assertThat(r.status()).isEqualTo(400);
    JsonObject body = r.json();
    assertThat(body.getString("error")).isEqualTo("$[1].startedAt: must be between 1970 and 9999");
    assertThat(body.getString("path")).isEqualTo("$[1].startedAt");
    assertThat(body.getJsonArray("accepted").getList())
        .containsExactly(first.eventId().toString(), last.eventId().toString());
    JsonObject rejected = body.getJsonArray("rejected").getJsonObject(0);
    assertThat(rejected.getInteger("index")).isEqualTo(1);
    assertThat(rejected.getString("eventId")).isEqualTo(bad.eventId().toString());
    assertThat(coordinator.history().contains(first)).isTrue();
    assertThat(coordinator.history().contains(last)).isTrue();
    assertThat(coordinator.history().contains(bad)).isFalse();
    assertThat(rotationsCounted("n1")).isEqualTo(2);
    assertThat(metric("fleetrotate_events_received_total{outcome=\"new\"}")).isEqualTo(2);
    assertThat(coordinator.fleet().lastHour().successes()).isEqualTo(1);
    assertThat(coordinator.fleet().lastHour().failures()).isEqualTo(1);
  }

  @Test
  void resendingTheStoredEventsOfAPartlyRefusedBatchCountsNothingTwice() {
    RotationEvent first = Wire.event("n1", Result.SUCCESS, T0.minusSeconds(60));
    RotationEvent last = Wire.event("n1", Result.SUCCESS, T0);
    JsonArray batch = new JsonArray(Wire.eventsJson(List.of(first, last)));
    batch.add(new JsonObject().put("eventId", "not-a-uuid"));
    assertThat(http.post("/api/v1/events", AGENT, batch.encode()).status()).isEqualTo(400);

    // What an agent does next: the refused event set aside, the rest sent again.
    Http.Response again = http.post("/api/v1/events", AGENT, Wire.eventsJson(List.of(first, last)));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getJsonArray("accepted")).hasSize(2);
    assertThat(again.json().containsKey("rejected")).isFalse();
    assertThat(rotationsCounted("n1")).isEqualTo(2);
    assertThat(coordinator.history().size()).isEqualTo(2);
    assertThat(metric("fleetrotate_events_received_total{outcome=\"new\"}")).isEqualTo(2);
    assertThat(metric("fleetrotate_events_received_total{outcome=\"duplicate\"}")).isEqualTo(2);
  }
}
