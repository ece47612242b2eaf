package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by the version before the restart summaries (schema version 2: its tables,
 * indexes and insert, as that version's migrations and writer made them) is migrated when the
 * coordinator opens it: nothing is lost, resends are still recognised, and the summaries it now
 * restarts from are the same as those of a store that took the same events at this version.
 */
class SchemaUpgradeTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final int V2 = 2;

  @TempDir Path old;
  @TempDir Path fresh;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void aVersion2StoreIsMigratedWithoutLossAndSummarized() throws Exception {
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Result result = i % 50 == 0 ? Result.FAILED : i % 70 == 0 ? Result.SKIPPED : Result.SUCCESS;
      events.add(Wire.event("n" + (i % 37), result, T0.minusSeconds(60L * i)));
    }
    writeVersion2(old.resolve("history.db"), events);

    try (HistoryStore upgraded = SqlHistoryStore.openEmbedded(old, Duration.ofDays(30), clock);
        HistoryStore current = SqlHistoryStore.openEmbedded(fresh, Duration.ofDays(30), clock)) {
      current.append(events).get();
      assertThat(upgraded.size()).isEqualTo(events.size());
      assertThat(upgraded.append(events.subList(0, 10)).get()).as("resent").isEmpty();
      assertThat(upgraded.contains(events.get(1_999))).isTrue();
      RotationQuery failedOfN0 =
          new RotationQuery("n0", null, null, Result.FAILED, null, null, 500);
      assertThat(upgraded.query(failedOfN0).items())
          .isEqualTo(current.query(failedOfN0).items())
          .isNotEmpty();

      RestoredRotations want = current.restoredRotations(T0);
      RestoredRotations got = upgraded.restoredRotations(T0);
      assertThat(got.counts())
          .containsExactlyInAnyOrderElementsOf(want.counts())
          .hasSize((int) events.stream().map(e -> e.nodeId() + e.result()).distinct().count());
      assertThat(got.latest()).containsExactlyInAnyOrderElementsOf(want.latest()).hasSize(37);
      assertThat(got.fleetDay()).containsExactlyInAnyOrderElementsOf(want.fleetDay()).isNotEmpty();
      assertThat(got.nodeHour()).containsExactlyInAnyOrderElementsOf(want.nodeHour()).isNotEmpty();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old.resolve("history.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(SqlDialect.SQLITE.migrations().size());
    }
  }

  /** What the version-2 coordinator wrote: its page size, schema and insert. */
  private static void writeVersion2(Path file, List<RotationEvent> events) throws Exception {
    Files.createDirectories(file.getParent());
    WireCodec codec = new WireCodec();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = 16384");
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      for (int v = 1; v <= V2; v++) {
        for (String sql : SqlDialect.SQLITE.migrations().get(v - 1)) {
          s.execute(sql);
        }
        s.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO rotation_event (event_id, finished_ns, node, grp, path, result, body)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
        for (RotationEvent e : events) {
          insert.setString(1, e.eventId().toString());
          insert.setLong(2, SqlHistoryStore.nanos(e.finishedAt()));
          insert.setString(3, e.nodeId());
          insert.setString(4, e.group());
          insert.setString(5, e.path());
          insert.setString(6, e.result().name());
          insert.setString(7, new String(codec.encode(e), StandardCharsets.UTF_8));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
    }
  }
}
