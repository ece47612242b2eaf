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
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports read the store page by page; the body is still one whole CSV or JSON array. */
class ExportPagingTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final int EVENTS = 1_234;

  @TempDir Path dir;
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.start(TestCoordinators.config(dir), new MutableClock(T0));
    http = new Http(coordinator.port());
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      events.add(Wire.event("n" + i % 3, Result.SUCCESS, T0.minusSeconds(i)));
      if (events.size() == 500 || i == EVENTS - 1) {
        assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status())
            .isEqualTo(200);
        events.clear();
      }
    }
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void jsonExportOverSeveralPagesIsOneArrayNewestFirstWithEveryEventOnce() {
    Http.Response r = http.get("/api/v1/rotations/export", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    JsonArray items = r.array();
    assertThat(items).hasSize(EVENTS);
    assertThat(items.getJsonObject(0).getString("finishedAt")).isEqualTo(T0.toString());
    assertThat(items.getJsonObject(EVENTS - 1).getString("finishedAt"))
        .isEqualTo(T0.minusSeconds(EVENTS - 1).toString());
    assertThat(items.stream().map(o -> ((io.vertx.core.json.JsonObject) o).getString("eventId")))
        .doesNotHaveDuplicates();
  }

  @Test
  void csvExportHonoursTheLimitAcrossPagesAndTheNodeFilter() {
    Http.Response limited = http.get("/api/v1/rotations/export?format=csv&limit=700", ADMIN);
    assertThat(limited.status()).isEqualTo(200);
    assertThat(limited.body().lines().count()).isEqualTo(1 + 700);
    Http.Response n1 = http.get("/api/v1/rotations/export?format=csv&node=n1", ADMIN);
    assertThat(n1.body().lines().skip(1).toList())
        .hasSize(EVENTS / 3)
        .allSatisfy(row -> assertThat(row).contains(",n1,"));
  }
}
