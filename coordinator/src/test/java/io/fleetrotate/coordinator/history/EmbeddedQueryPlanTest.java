package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.proto.Result;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every page query the API serves reads the embedded store through an index in the order it lists
 * (newest first), so its cost does not grow with the history: SQLite's EXPLAIN QUERY PLAN of the
 * very SQL {@link SqlHistoryStore#select} builds, on the migrated schema. A query by node, group or
 * path reads one section of its index per step, keyed by the hour (or, for a node's failures, the
 * day) first.
 */
class EmbeddedQueryPlanTest {
  @TempDir Path dir;

  static Stream<Arguments> queries() {
    Cursor cursor = new Cursor(Instant.parse("2026-11-21T02:00:00Z"), UUID.randomUUID());
    Instant since = Instant.parse("2026-11-01T00:00:00Z");
    return Stream.of(
        Arguments.of("newest page", RotationQuery.all(100), "rotation_event_time"),
        Arguments.of("next page", RotationQuery.all(100).after(cursor, 100), "rotation_event_time"),
        Arguments.of("since", q(null, null, null, null, since), "rotation_event_time"),
        Arguments.of("node", q("mcp-host-1", null, null, null, null), "rotation_event_node"),
        Arguments.of(
            "node, next page",
            q("mcp-host-1", null, null, null, null).after(cursor, 100),
            "rotation_event_node"),
        Arguments.of(
            "node + FAILED",
            q("mcp-host-1", null, null, Result.FAILED, null),
            "rotation_event_node_unusual"),
        Arguments.of(
            "node + SKIPPED",
            q("mcp-host-1", null, null, Result.SKIPPED, null),
            "rotation_event_node_unusual"),
        Arguments.of(
            "node + SUCCESS",
            q("mcp-host-1", null, null, Result.SUCCESS, null),
            "rotation_event_node"),
        Arguments.of("FAILED", q(null, null, null, Result.FAILED, null), "rotation_event_unusual"),
        Arguments.of("SUCCESS", q(null, null, null, Result.SUCCESS, null), "rotation_event_time"),
        Arguments.of("group", q(null, "mcp-server", null, null, null), "rotation_event_group"),
        Arguments.of(
            "path", q(null, null, "/var/log/mcp/server.log", null, null), "rotation_event_path"));
  }

  private static RotationQuery q(
      String node, String group, String path, Result result, Instant since) {
    return new RotationQuery(node, group, path, result, since, null, 100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void readsThroughAnIndexInListOrder(String name, RotationQuery query, String index)
      throws Exception {
    List<String> plan = plan(SqlHistoryStore.select(query));

    assertThat(plan).as("%s: %s", name, plan).anyMatch(step -> step.contains("INDEX " + index));
    assertThat(plan)
        .as("%s reads no table in full and sorts nothing: %s", name, plan)
        .noneMatch(step -> step.matches("SCAN rotation_event( |$)(?!.*INDEX).*"))
        .noneMatch(step -> step.contains("TEMP B-TREE"));
  }

  @ParameterizedTest
  @EnumSource(SqlHistoryStore.Section.class)
  void theWalkFindsEachNextSectionOnTheTimeIndexAlone(SqlHistoryStore.Section section)
      throws Exception {
    List<String> plan = plan(new SqlHistoryStore.Select(section.walk, List.of(0L, 0L, 0L)));

    assertThat(plan.stream().filter(step -> step.contains("rotation_event ")))
        .as("each step of the walk probes the time index alone: %s", plan)
        .hasSize(2)
        .allMatch(
            step ->
                step.startsWith(
                    "SEARCH rotation_event USING COVERING INDEX rotation_event_time (finished_ns>? AND finished_ns<"));
    assertThat(plan).as("%s", plan).noneMatch(step -> step.contains("TEMP B-TREE"));
  }

  static Stream<Arguments> restoreQueries() {
    return Stream.of(
        Arguments.of("fleet day, every event", RotationSummaries.FLEET_BUCKETS.get(0), true),
        Arguments.of("fleet day, unusual", RotationSummaries.FLEET_BUCKETS.get(1), true),
        Arguments.of("node hour", RotationSummaries.NODE_HOUR, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("restoreQueries")
  void restartReadsARangeOfAnIndexNotTheHistory(String name, String sql, boolean covering)
      throws Exception {
    List<String> plan = plan(new SqlHistoryStore.Select(sql, List.of(0L)));

    assertThat(plan)
        .as("%s: %s", name, plan)
        .anyMatch(step -> step.matches("SEARCH rotation_event USING .*INDEX .*finished_ns>.*"))
        .noneMatch(step -> step.startsWith("SCAN rotation_event"));
    if (covering) {
      assertThat(plan)
          .as("%s reads no event row: %s", name, plan)
          .anyMatch(step -> step.contains("COVERING INDEX"));
    }
  }

  @Test
  void aCatchUpPageEntersTheTimeIndexAtItsCursor() throws Exception {
    List<String> later =
        plan(
            new SqlHistoryStore.Select(
                SqlHistoryStore.SLICE_PAGE_AFTER, List.of(0L, "id", Long.MAX_VALUE, 1_000)));
    List<String> first =
        plan(
            new SqlHistoryStore.Select(
                SqlHistoryStore.SLICE_PAGE, List.of(0L, Long.MAX_VALUE, 1_000)));

    // The cursor is the range's start, not a filter applied to every row after the slice's start.
    assertThat(later)
        .as("%s", later)
        .containsExactly(
            "SEARCH rotation_event USING INDEX rotation_event_time"
                + " ((finished_ns,event_id)>(?,?) AND finished_ns<?)");
    assertThat(first)
        .as("%s", first)
        .containsExactly(
            "SEARCH rotation_event USING INDEX rotation_event_time"
                + " (finished_ns>? AND finished_ns<?)");
  }

  /** The plan of {@code select} on an empty store of the current schema. */
  private List<String> plan(SqlHistoryStore.Select select) throws Exception {
    try (HistoryStore store =
        SqlHistoryStore.openEmbedded(dir, Duration.ofDays(30), Clock.systemUTC())) {
      assertThat(store.size()).isZero();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + select.sql())) {
      for (int i = 0; i < select.args().size(); i++) {
        s.setObject(i + 1, select.args().get(i));
      }
      List<String> steps = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          steps.add(rs.getString("detail"));
        }
      }
      return steps;
    }
  }
}
