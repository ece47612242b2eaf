package io.fleetrotate.coordinator.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history's hour slices (schema version 6, table {@code rotation_hour}): per hour of finish
 * time, how many events are held and the sum of their finish times as microseconds after the hour's
 * start, the very figures a scan of the time index gives for that hour ({@link
 * SqlHistoryStore#slices}). Written in the transaction that stores or deletes the events, so they
 * cannot drift from the history; one row per hour of the retention (about 720 for 30 days),
 * whatever the history's size. The cluster catch-up compares two histories by these.
 */
final class HourSlices {
  /** The width of a slice kept here. */
  static final long HOUR_NANOS = 3_600_000_000_000L;

  /** Fills the slices from the history already held, once, in the migration's transaction. */
  static final String FILL =
      "INSERT INTO rotation_hour (hour, n, micros) SELECT finished_ns / "
          + HOUR_NANOS
          + ", COUNT(*), SUM((finished_ns % "
          + HOUR_NANOS
          + ") / 1000) FROM rotation_event GROUP BY finished_ns / "
          + HOUR_NANOS;

  private HourSlices() {}

  /**
   * Adds ({@code sign} +1) or takes out (-1) the events finished at {@code finishedNanos}, stored
   * or deleted in {@code c}'s transaction.
   */
  static void change(Connection c, List<Long> finishedNanos, int sign) throws SQLException {
    if (finishedNanos.isEmpty()) {
      return;
    }
    // Sorted by hour: one lock order for coordinators sharing PostgreSQL.
    Map<Long, long[]> byHour = new TreeMap<>();
    for (long ns : finishedNanos) {
      long[] sums = byHour.computeIfAbsent(ns / HOUR_NANOS, h -> new long[2]);
      sums[0] += sign;
      sums[1] += sign * ((ns % HOUR_NANOS) / 1_000);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO rotation_hour (hour, n, micros) VALUES (?, ?, ?) ON CONFLICT (hour)"
                + " DO UPDATE SET n = rotation_hour.n + excluded.n,"
                + " micros = rotation_hour.micros + excluded.micros")) {
      for (Map.Entry<Long, long[]> h : byHour.entrySet()) {
        s.setLong(1, h.getKey());
        s.setLong(2, h.getValue()[0]);
        s.setLong(3, h.getValue()[1]);
        s.addBatch();
      }
      s.executeBatch();
    }
    if (sign < 0) {
      try (Statement empty = c.createStatement()) {
        empty.executeUpdate("DELETE FROM rotation_hour WHERE n <= 0");
      }
    }
  }

  /** The non-empty hours {@code fromHour} to {@code toHour} (exclusive), in time order. */
  static void read(Connection c, long fromHour, long toHour, List<TimeSlice> into)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT hour, n, micros FROM rotation_hour WHERE hour >= ? AND hour < ?"
                + " ORDER BY hour")) {
      s.setLong(1, fromHour);
      s.setLong(2, toHour);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(2) > 0) {
            into.add(
                new TimeSlice(
                    Instant.ofEpochSecond(rs.getLong(1) * (HOUR_NANOS / 1_000_000_000L)),
                    rs.getLong(2),
                    rs.getLong(3)));
          }
        }
      }
    }
  }
}
