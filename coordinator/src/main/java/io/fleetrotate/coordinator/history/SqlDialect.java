package io.fleetrotate.coordinator.history;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What differs between the two databases {@link SqlHistoryStore} runs on: the row id column, text
 * ordering, and how concurrent starts take turns at migrating. The queries themselves are the same
 * SQL on both.
 */
enum SqlDialect {
  SQLITE("INTEGER PRIMARY KEY", "TEXT"),
  // Byte order for ids, so the keyset order does not depend on the server's locale.
  POSTGRES("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "TEXT COLLATE \"C\"");

  /**
   * The condition of the partial result indexes; a query must contain it word for word for SQLite
   * to use them.
   */
  static final String UNUSUAL_RESULT = "result <> 'SUCCESS'";

  /** Nanoseconds per day bucket of the node index of unusual results (schema version 5). */
  static final long DAY_NANOS = 86_400_000_000_000L;

  /**
   * The day bucket of an event, the first key of the node index of unusual results (and, before
   * schema version 7, of the node, group and path indexes); a query must contain it word for word.
   */
  static final String DAY = "finished_ns / " + DAY_NANOS;

  /**
   * The hour bucket of an event, the first key of the node, group and path indexes (schema version
   * 7); a query must contain it word for word (SQLite matches an indexed expression by its text).
   * The same integer division in Java: {@link SqlHistoryStore.Section#of}.
   */
  static final String HOUR = "finished_ns / " + HourSlices.HOUR_NANOS;

  private final String rowId;
  private final String text;

  SqlDialect(String rowId, String text) {
    this.rowId = rowId;
    this.text = text;
  }

  /** Serializes schema migrations of coordinators starting together on one database. */
  void lockSchema(Statement s) throws SQLException {
    if (this == POSTGRES) {
      s.execute("SELECT pg_advisory_xact_lock(4204201)");
    }
  }

  /** The schema, one list of statements per version; a version once released never changes. */
  List<List<String>> migrations() {
    return List.of(
        List.of(
            "CREATE TABLE rotation_event (seq "
                + rowId
                + ", event_id "
                + text
                + " NOT NULL, finished_ns BIGINT NOT NULL, node "
                + text
                + " NOT NULL, grp "
                + text
                + " NOT NULL, path "
                + text
                + " NOT NULL, result "
                + text
                + " NOT NULL, body TEXT NOT NULL)",
            "CREATE UNIQUE INDEX rotation_event_id ON rotation_event (event_id)",
            "CREATE INDEX rotation_event_time ON rotation_event (finished_ns, event_id)",
            "CREATE INDEX rotation_event_node ON rotation_event (node, finished_ns, event_id)",
            "CREATE INDEX rotation_event_group ON rotation_event (grp, finished_ns, event_id)",
            "CREATE INDEX rotation_event_path ON rotation_event (path, finished_ns, event_id)",
            "CREATE INDEX rotation_event_result ON rotation_event (result, finished_ns, event_id)",
            "CREATE INDEX rotation_event_node_result"
                + " ON rotation_event (node, result, finished_ns, event_id)",
            "CREATE TABLE node_snapshot (node_id " + text + " PRIMARY KEY, body TEXT NOT NULL)",
            "CREATE TABLE legacy_import (segment " + text + " PRIMARY KEY)"),
        // Version 2, for ingest: nearly every rotation succeeds, so the result indexes hold only
        // the others (failed, skipped) and cost little per insert; a query for those names the
        // index's condition (UNUSUAL_RESULT), a query for successes reads the node or time index.
        List.of(
            "DROP INDEX rotation_event_result",
            "DROP INDEX rotation_event_node_result",
            "CREATE INDEX rotation_event_unusual ON rotation_event (result, finished_ns, event_id)"
                + " WHERE "
                + UNUSUAL_RESULT,
            "CREATE INDEX rotation_event_node_unusual"
                + " ON rotation_event (node, result, finished_ns, event_id) WHERE "
                + UNUSUAL_RESULT),
        // Version 3, for restarts: what the fleet state counts, kept per node and file so that a
        // start reads these instead of the history (RotationSummaries; filled from the history
        // once by SqlHistoryStore when it migrates to this version).
        List.of(
            "CREATE TABLE rotation_tally (node "
                + text
                + " NOT NULL, grp "
                + text
                + " NOT NULL, result "
                + text
                + " NOT NULL, reason "
                + text
                + " NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (node, grp, result, reason))",
            "CREATE TABLE file_latest (node "
                + text
                + " NOT NULL, path "
                + text
                + " NOT NULL, finished_ns BIGINT NOT NULL, duration_ms BIGINT NOT NULL, result "
                + text
                + " NOT NULL, ratio DOUBLE PRECISION, compressed_ns BIGINT,"
                + " PRIMARY KEY (node, path))"),
        // Version 4, for ingest: no index on the event id alone. Event ids are random, so that
        // index took each insert at a random page, read and rewritten (WAL) once the index outgrew
        // the page cache; ingest fell with the history. An event's resend carries its id and its
        // finish time, so the time index, made unique, deduplicates as exactly, and inserts at
        // its end. Lookups by id name the finish time too.
        List.of(
            "DROP INDEX rotation_event_time",
            "CREATE UNIQUE INDEX rotation_event_time ON rotation_event (finished_ns, event_id)",
            "DROP INDEX rotation_event_id"),
        // Version 5, for ingest: the node, group and path indexes start with the event's day.
        // Keyed by node first, an insert of a new event went to the end of that node's range, one
        // of 10,000 places spread over an index far larger than the page cache, so each insert read
        // and rewrote a page of its own once the history outgrew the cache. Keyed by day first, the
        // new events of all nodes go into today's section, which stays small; a query walks the
        // days newest first (SqlHistoryStore#query), and retention deletes the oldest sections.
        List.of(
            "DROP INDEX rotation_event_node",
            "DROP INDEX rotation_event_group",
            "DROP INDEX rotation_event_path",
            "DROP INDEX rotation_event_node_unusual",
            "CREATE INDEX rotation_event_node"
                + " ON rotation_event (("
                + DAY
                + "), node, finished_ns, event_id)",
            "CREATE INDEX rotation_event_group"
                + " ON rotation_event (("
                + DAY
                + "), grp, finished_ns, event_id)",
            "CREATE INDEX rotation_event_path"
                + " ON rotation_event (("
                + DAY
                + "), path, finished_ns, event_id)",
            "CREATE INDEX rotation_event_node_unusual ON rotation_event (("
                + DAY
                + "), node, result, finished_ns, event_id) WHERE "
                + UNUSUAL_RESULT),
        // Version 6, for the cluster catch-up on the embedded store: per hour of finish time, how
        // many events are held and the sum of their finish times within the hour (HourSlices),
        // kept with each append and sweep, so that comparing two histories reads about 720 rows
        // for 30 days instead of scanning the time index of the whole retention (filled from the
        // history once by SqlHistoryStore when it migrates to this version). Not on PostgreSQL:
        // its members share the one history and compare none, and every commit of every member
        // would update the current hour's row, one after the other.
        keepsHourSlices()
            ? List.of(
                "CREATE TABLE rotation_hour (hour BIGINT PRIMARY KEY, n BIGINT NOT NULL,"
                    + " micros BIGINT NOT NULL)")
            : List.of(),
        // Version 7, for ingest: the node, group and path indexes start with the event's hour, not
        // its day. New events of 10,000 nodes arriving in time order each went to their node's
        // place in today's section, which grew through the day to thousands of pages: late in a
        // day nearly every insert rewrote a page of its own (4.7 KiB written per event at 5M).
        // An hour's section stays a few hundred pages, which the inserts of one commit share. A
        // query walks the hours newest first instead of the days. The partial node index of
        // unusual results (2% of inserts) stays keyed by day: SqlHistoryStore.Section.
        List.of(
            "DROP INDEX rotation_event_node",
            "DROP INDEX rotation_event_group",
            "DROP INDEX rotation_event_path",
            "CREATE INDEX rotation_event_node ON rotation_event (("
                + HOUR
                + "), node, finished_ns, event_id)",
            "CREATE INDEX rotation_event_group ON rotation_event (("
                + HOUR
                + "), grp, finished_ns, event_id)",
            "CREATE INDEX rotation_event_path ON rotation_event (("
                + HOUR
                + "), path, finished_ns, event_id)"));
  }

  /** Whether the store keeps hour slices ({@link HourSlices}): the embedded one only. */
  boolean keepsHourSlices() {
    return this == SQLITE;
  }

  /** The schema version whose migration fills the hour slices from the history already held. */
  static final int HOUR_SLICES_VERSION = 6;

  /** The schema version whose migration fills the summaries from the history already held. */
  static final int SUMMARIES_VERSION = 3;
}
