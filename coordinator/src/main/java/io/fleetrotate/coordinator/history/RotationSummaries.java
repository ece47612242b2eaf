package io.fleetrotate.coordinator.history;

import io.fleetrotate.coordinator.fleet.LastRotation;
import io.fleetrotate.coordinator.fleet.RotationCount;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small tables a restart reads instead of the history (schema version 3): per node, group,
 * result and reason how many events are held ({@code rotation_tally}), and per node and file the
 * latest rotation ({@code file_latest}). They are written in the transaction that stores or deletes
 * the events, so they cannot drift from the history; their size grows with the fleet, not with the
 * history.
 */
final class RotationSummaries {
  /** The fleet's and the nodes' success windows count in buckets of this width. */
  static final long BUCKET_NANOS = Duration.ofMinutes(5).toNanos();

  private RotationSummaries() {}

  /** Counts {@code events}, newly stored in {@code c}'s transaction, into the summaries. */
  static void add(Connection c, List<RotationEvent> events) throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    tally(c, events, +1);
    // The latest rotation of a file, as the fleet state keeps it: a later-arriving event replaces
    // it unless it finished earlier, and the last compression ratio carries over to a rotation
    // that compressed nothing. One upsert per file and batch, not per event (an agent catching up
    // sends many events of its few files at once): see FileFold. Sorted by file so that
    // coordinators sharing PostgreSQL lock the rows in one order.
    Map<List<String>, FileFold> byFile = new TreeMap<>(RotationSummaries::compareKeys);
    for (RotationEvent e : events) {
      byFile.computeIfAbsent(List.of(e.nodeId(), e.path()), k -> new FileFold()).add(e);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO file_latest (node, path, finished_ns, duration_ms, result, ratio,"
                + " compressed_ns) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node, path) DO UPDATE"
                + " SET finished_ns = excluded.finished_ns, duration_ms = excluded.duration_ms,"
                + " result = excluded.result, ratio = CASE WHEN excluded.compressed_ns >="
                + " file_latest.finished_ns THEN excluded.ratio ELSE file_latest.ratio END,"
                + " compressed_ns = CASE WHEN excluded.compressed_ns >= file_latest.finished_ns"
                + " THEN excluded.compressed_ns ELSE file_latest.compressed_ns END"
                + " WHERE excluded.finished_ns >= file_latest.finished_ns")) {
      for (FileFold f : byFile.values()) {
        s.setString(1, f.latest.nodeId());
        s.setString(2, f.latest.path());
        s.setLong(3, SqlHistoryStore.nanos(f.latest.finishedAt()));
        s.setLong(4, f.latest.duration().toMillis());
        s.setString(5, f.latest.result().name());
        if (f.compressed != null) {
          s.setDouble(6, f.compressed.compressionRatio().orElseThrow());
          s.setLong(7, SqlHistoryStore.nanos(f.compressed.finishedAt()));
        } else {
          s.setNull(6, java.sql.Types.DOUBLE);
          s.setNull(7, java.sql.Types.BIGINT);
        }
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * One file's events of a batch, in arrival order, folded into the one upsert that leaves its row
   * as upserting them one by one would. One by one, an event replaces the row when it finished no
   * earlier than the row, so the events that replace it are the batch's running newest ({@code
   * latest} is the last of them) that also finished no earlier than the stored row. {@code
   * compressed} is the last running newest that compressed: its ratio is taken if it finished no
   * earlier than the stored row (it would have replaced it), else the stored ratio stays, which is
   * what the upsert's {@code CASE} decides. With one event per batch this is the per-event upsert.
   */
  private static final class FileFold {
    RotationEvent latest;
    RotationEvent compressed;

    void add(RotationEvent e) {
      if (latest != null && e.finishedAt().isBefore(latest.finishedAt())) {
        return; // older than an event before it in the batch: would not replace the row
      }
      latest = e;
      if (e.compressed()) {
        compressed = e;
      }
    }
  }

  /**
   * Takes {@code events}, deleted in {@code c}'s transaction, out of the tallies, and forgets the
   * latest rotation of files whose latest finished before {@code cutoffNanos}, as a restart that
   * read the history back would.
   */
  static void subtract(Connection c, List<RotationEvent> events, long cutoffNanos)
      throws SQLException {
    tally(c, events, -1);
    try (PreparedStatement s = c.prepareStatement("DELETE FROM file_latest WHERE finished_ns < ?");
        Statement empty = c.createStatement()) {
      s.setLong(1, cutoffNanos);
      s.executeUpdate();
      empty.executeUpdate("DELETE FROM rotation_tally WHERE n <= 0");
    }
  }

  private static void tally(Connection c, List<RotationEvent> events, int sign)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    // Sorted keys: one lock order for coordinators sharing PostgreSQL.
    Map<List<String>, Long> counts = new TreeMap<>(RotationSummaries::compareKeys);
    for (RotationEvent e : events) {
      counts.merge(
          List.of(e.nodeId(), e.group(), e.result().name(), reasonName(e.reason())),
          (long) sign,
          Long::sum);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO rotation_tally (node, grp, result, reason, n) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (node, grp, result, reason)"
                + " DO UPDATE SET n = rotation_tally.n + excluded.n")) {
      for (Map.Entry<List<String>, Long> t : counts.entrySet()) {
        for (int i = 0; i < 4; i++) {
          s.setString(i + 1, t.getKey().get(i));
        }
        s.setLong(5, t.getValue());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static int compareKeys(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int d = a.get(i).compareTo(b.get(i));
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  /** The reason column: its name, or empty (a key column cannot be null). */
  private static String reasonName(FailureReason reason) {
    return reason == null ? "" : reason.name();
  }

  /** The events held, summed over the tallies. */
  static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(n), 0) FROM rotation_tally")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * What a restart restores: the summaries, and for the success windows the last day's index
   * entries (no event row) and the last hour's events, both through the time index.
   */
  static RestoredRotations read(Connection c, Instant now) throws SQLException {
    List<RestoredRotations.NodeCount> counts = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT node, grp, result, reason, n FROM rotation_tally")) {
      while (rs.next()) {
        String reason = rs.getString(4);
        counts.add(
            new RestoredRotations.NodeCount(
                rs.getString(1),
                new RotationCount(
                    rs.getString(2),
                    Result.valueOf(rs.getString(3)),
                    reason.isEmpty() ? null : FailureReason.valueOf(reason),
                    rs.getLong(5))));
      }
    }
    List<RestoredRotations.NodeRotation> latest = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT node, path, finished_ns, duration_ms, result, ratio, compressed_ns"
                    + " FROM file_latest")) {
      while (rs.next()) {
        double ratio = rs.getDouble(6);
        if (rs.wasNull()) {
          ratio = Double.NaN;
        }
        long compressed = rs.getLong(7);
        Instant compressedAt = rs.wasNull() ? null : instant(compressed);
        latest.add(
            new RestoredRotations.NodeRotation(
                rs.getString(1),
                new LastRotation(
                    rs.getString(2),
                    instant(rs.getLong(3)),
                    rs.getLong(4),
                    Result.valueOf(rs.getString(5)),
                    ratio,
                    compressedAt)));
      }
    }
    long dayAgo = SqlHistoryStore.nanos(now.minus(Duration.ofDays(1)));
    long hourAgo = SqlHistoryStore.nanos(now.minus(Duration.ofHours(1)));
    return new RestoredRotations(counts, latest, fleetBuckets(c, dayAgo), nodeBuckets(c, hourAgo));
  }

  /**
   * The fleet's successes and failures per bucket since {@code sinceNanos}: every event from the
   * time index, the failed and skipped ones from the partial index of unusual results (index
   * entries only), successes the difference.
   */
  private static List<RestoredRotations.Bucket> fleetBuckets(Connection c, long sinceNanos)
      throws SQLException {
    Map<Long, long[]> byBucket = new HashMap<>();
    for (String sql : FLEET_BUCKETS) {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setLong(1, sinceNanos);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            long[] okFailed = byBucket.computeIfAbsent(rs.getLong(1), k -> new long[2]);
            long n = rs.getLong(3);
            switch (rs.getString(2)) {
              case "ALL" -> okFailed[0] += n;
              case "FAILED" -> {
                okFailed[0] -= n;
                okFailed[1] += n;
              }
              default -> okFailed[0] -= n; // skipped: neither
            }
          }
        }
      }
    }
    List<RestoredRotations.Bucket> out = new ArrayList<>(byBucket.size());
    byBucket.forEach(
        (bucket, okFailed) -> {
          if (okFailed[0] + okFailed[1] > 0) {
            out.add(
                new RestoredRotations.Bucket(
                    null, instant(bucket * BUCKET_NANOS), okFailed[0], okFailed[1]));
          }
        });
    return out;
  }

  /**
   * The fleet-day queries: per bucket, every event since a time, from the time index; the failed
   * and skipped ones, from the partial index of unusual results.
   */
  static final List<String> FLEET_BUCKETS =
      List.of(
          "SELECT finished_ns / "
              + BUCKET_NANOS
              + ", 'ALL', COUNT(*) FROM rotation_event WHERE finished_ns >= ? GROUP BY 1",
          "SELECT finished_ns / "
              + BUCKET_NANOS
              + ", result, COUNT(*) FROM rotation_event WHERE result IN ('FAILED', 'SKIPPED') AND "
              + SqlDialect.UNUSUAL_RESULT
              + " AND finished_ns >= ? GROUP BY 1, 2");

  /**
   * The last hour's events, one row each through the time index (grouped here: grouped by node in
   * SQL, SQLite would rather scan the node index whole).
   */
  static final String NODE_HOUR =
      "SELECT node, finished_ns, result FROM rotation_event WHERE finished_ns >= ?";

  /** Each node's successes and failures per bucket since {@code sinceNanos}. */
  private static List<RestoredRotations.Bucket> nodeBuckets(Connection c, long sinceNanos)
      throws SQLException {
    Map<List<Object>, long[]> byBucket = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(NODE_HOUR)) {
      s.setLong(1, sinceNanos);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Result result = Result.valueOf(rs.getString(3));
          if (result != Result.SKIPPED) {
            long bucket = Math.floorDiv(rs.getLong(2), BUCKET_NANOS);
            long[] okFailed =
                byBucket.computeIfAbsent(List.of(rs.getString(1), bucket), k -> new long[2]);
            okFailed[result == Result.SUCCESS ? 0 : 1]++;
          }
        }
      }
    }
    List<RestoredRotations.Bucket> out = new ArrayList<>(byBucket.size());
    byBucket.forEach(
        (k, okFailed) ->
            out.add(
                new RestoredRotations.Bucket(
                    (String) k.get(0),
                    instant((Long) k.get(1) * BUCKET_NANOS),
                    okFailed[0],
                    okFailed[1])));
    return out;
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
