package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first start of the SQL store brings in the history the JSON-lines store wrote. */
class LegacyFileImportTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);

  @Test
  void eventsAndNodesWrittenByTheFileStoreAreImportedOnceAndTheOldFilesKept() throws Exception {
    RotationEvent day1 = Wire.event("n1", Result.SUCCESS, T0);
    RotationEvent day1failed = Wire.event("n2", Result.FAILED, T0.plusSeconds(60));
    RotationEvent day2 = Wire.event("n1", Result.SUCCESS, T0.plus(Duration.ofDays(1)));
    RotationEvent expired = Wire.event("n1", Result.SUCCESS, T0.minus(Duration.ofDays(40)));
    SavedNode n1 = new SavedNode(Wire.heartbeat("n1", T0, 0.4), T0, Duration.ofSeconds(20));
    try (FileHistoryStore old = FileHistoryStore.open(dir, Duration.ofDays(60), clock)) {
      old.append(List.of(day1, day1failed, expired)).get();
      clock.advance(Duration.ofDays(1));
      old.append(List.of(day2)).get();
      old.saveNodes(List.of(n1));
    }
    // A crash of the old store mid-append left a torn last line, never acknowledged.
    Files.writeString(
        dir.resolve("events/2026-11-22.jsonl"),
        "{\"protocolVersion\":\"1.0\",\"eventId\":",
        StandardOpenOption.APPEND);

    try (SqlHistoryStore store = SqlHistoryStore.openEmbedded(dir, Duration.ofDays(30), clock)) {
      assertThat(store.query(RotationQuery.all(10)).items())
          .containsExactly(day2, day1failed, day1);
      assertThat(store.loadNodes()).containsExactly(n1);
    }
    assertThat(dir.resolve("events")).doesNotExist();
    assertThat(dir.resolve("events.imported/2026-11-21.jsonl")).exists();
    assertThat(dir.resolve("events.imported/2026-11-22.jsonl")).exists();
    assertThat(Files.readString(dir.resolve("events.imported/" + LegacyFileImport.NOTE)))
        .contains("imported into");
    assertThat(dir.resolve("nodes.json")).doesNotExist();
    assertThat(dir.resolve("nodes.json.imported")).exists();

    // A crash after the events were stored but before a segment was recorded or the directory
    // renamed: the next start imports again and stores nothing twice.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM legacy_import WHERE segment = '2026-11-22.jsonl'");
    }
    Files.move(dir.resolve("events.imported"), dir.resolve("events"));
    try (SqlHistoryStore store = SqlHistoryStore.openEmbedded(dir, Duration.ofDays(30), clock)) {
      assertThat(store.size()).isEqualTo(3);
      assertThat(store.query(RotationQuery.all(10)).items())
          .containsExactly(day2, day1failed, day1);
      assertThat(store.loadNodes()).containsExactly(n1);
    }
    assertThat(dir.resolve("events.imported/2026-11-22.jsonl")).exists();
  }
}
