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
 * A store written by an earlier version (schema version 2, before the restart summaries, or 4,
 * before the day-keyed indexes, which version 7 keys by hour: its tables, indexes and insert, as
 * that version's migrations and writer made them) is migrated when the coordinator opens it:
 * nothing is lost, resends are still recognised, and its pages and the summaries it now restarts
 * from are the same as those of a store that took the same events at this version.
 */
class SchemaUpgradeTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final int V2 = 2;
  static final int V4 = 4;
  static final int V5 = 5;

  @TempDir Path old;
  @TempDir Path fresh;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void aVersion2StoreIsMigratedWithoutLossAndSummarized() throws Exception {
    List<RotationEvent> events = history(60);
    migrate(
        V2,
        events,
        (upgraded, current) -> {
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
          assertThat(got.fleetDay())
              .containsExactlyInAnyOrderElementsOf(want.fleetDay())
              .isNotEmpty();
          assertThat(got.nodeHour())
              .containsExactlyInAnyOrderElementsOf(want.nodeHour())
              .isNotEmpty();
        });
  }

  @Test
  void aVersion4StoreIsMigratedToHourKeyedIndexesWithTheSamePages() throws Exception {
    migrate(
        V4,
        // Ten minutes apart: 14 days of history, so a node's pages span many hour buckets.
        history(600),
        (upgraded, current) -> {
          for (RotationQuery q :
              List.of(
                  new RotationQuery("n5", null, null, null, null, 7),
                  new RotationQuery("n0", null, null, Result.FAILED, null, null, 3),
                  new RotationQuery(null, "mcp-server", null, null, null, 100),
                  new RotationQuery(
                      null, null, "/var/log/mcp/server.log", null, null, null, 100))) {
            assertThat(allPages(upgraded, q))
                .as("%s", q)
                .isEqualTo(allPages(current, q))
                .isNotEmpty();
          }
          assertThat(upgraded.restoredRotations(T0).counts())
              .containsExactlyInAnyOrderElementsOf(current.restoredRotations(T0).counts());
        });
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old.resolve("history.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rotation_event'"
                    + " AND name IN ('rotation_event_node', 'rotation_event_group',"
                    + " 'rotation_event_path', 'rotation_event_node_unusual')")) {
      List<String> indexes = new ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
      assertThat(indexes)
          .hasSize(4)
          .filteredOn(sql -> sql.contains("rotation_event_node_unusual"))
          .singleElement()
          .matches(sql -> sql.contains("((" + SqlDialect.DAY + "),"));
      assertThat(indexes)
          .filteredOn(sql -> !sql.contains("rotation_event_node_unusual"))
          .hasSize(3)
          .allMatch(sql -> sql.contains("((" + SqlDialect.HOUR + "),"));
    }
  }

  @Test
  void aVersion5StoreIsMigratedToHourSlicesThatCompareEqualToAFreshStore() throws Exception {
    migrate(
        V5,
        // Two minutes apart: about 67 hours, whose slices now come from the hour slices.
        history(120),
        (upgraded, current) -> {
          Instant from = T0.minus(Duration.ofDays(4));
          Instant to = T0.plusSeconds(3_600);
          List<TimeSlice> slices = current.slices(from, to, Duration.ofHours(1));
          assertThat(upgraded.slices(from, to, Duration.ofHours(1))).isEqualTo(slices).hasSize(68);
          assertThat(slices.stream().mapToLong(TimeSlice::count).sum()).isEqualTo(2_000);
        });
  }

  /**
   * Writes {@code events} as the coordinator of schema {@code version} did, opens that store (which
   * migrates it) and a store of this version that takes the same events, checks that nothing was
   * lost and resends are recognised, hands both to {@code check}, and checks the schema version.
   */
  private void migrate(int version, List<RotationEvent> events, Comparison check) throws Exception {
    writeVersion(version, old.resolve("history.db"), events);
    try (HistoryStore upgraded = SqlHistoryStore.openEmbedded(old, Duration.ofDays(30), clock);
        HistoryStore current = SqlHistoryStore.openEmbedded(fresh, Duration.ofDays(30), clock)) {
      current.append(events).get();
      assertThat(upgraded.size()).isEqualTo(events.size());
      assertThat(upgraded.append(events.subList(0, 10)).get()).as("resent").isEmpty();
      check.compare(upgraded, current);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old.resolve("history.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(SqlDialect.SQLITE.migrations().size());
    }
  }

  @FunctionalInterface
  private interface Comparison {
    void compare(HistoryStore upgraded, HistoryStore current) throws Exception;
  }

  /** 2,000 events of 37 nodes, some failed or skipped, {@code apart} seconds apart before T0. */
  private static List<RotationEvent> history(long apart) {
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Result result = i % 50 == 0 ? Result.FAILED : i % 70 == 0 ? Result.SKIPPED : Result.SUCCESS;
      events.add(Wire.event("n" + (i % 37), result, T0.minusSeconds(apart * i)));
    }
    return events;
  }

  /** Every page of {@code q}, following the cursors. */
  private static List<RotationEvent> allPages(HistoryStore store, RotationQuery q) {
    List<RotationEvent> all = new ArrayList<>();
    RotationPage page = store.query(q);
    all.addAll(page.items());
    while (page.next().isPresent()) {
      page = store.query(q.after(page.next().get(), q.limit()));
      all.addAll(page.items());
    }
    return all;
  }

  /**
   * What the coordinator of schema {@code version} (2, 4 or 5) wrote: its page size, schema, insert
   * and (from version 3) summaries.
   */
  private static void writeVersion(int version, Path file, List<RotationEvent> events)
      throws Exception {
    Files.createDirectories(file.getParent());
    WireCodec codec = new WireCodec();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = 16384");
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      for (int v = 1; v <= version; v++) {
        for (String sql : SqlDialect.SQLITE.migrations().get(v - 1)) {
          s.execute(sql);
        }
        s.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO rotation_event (event_id, finished_ns, node, grp, path, result, body)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                  + (version >= V4 ? "(finished_ns, event_id)" : "(event_id)")
                  + " DO NOTHING")) {
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
      if (version >= SqlDialect.SUMMARIES_VERSION) {
        RotationSummaries.add(c, events);
      }
      c.commit();
    }
  }
}
