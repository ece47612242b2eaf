package io.fleetrotate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One embedded database engine (SQLite, H2 or DuckDB) on the coordinator's history workload, in
 * this JVM; bench/store-choice.sh runs each engine in a fresh JVM and prints the medians side by
 * side.
 *
 * <pre>
 *   java -Xmx384m -jar store-choice.jar --engine sqlite|h2|duckdb --dir DIR --events N [--batch 500]
 *        [--insert rows|batch] [--max-seconds S]
 * </pre>
 *
 * <p>The same work for each engine, through plain JDBC (no pool), on one connection:
 *
 * <ul>
 *   <li>Schema: the essentials of the product's {@code rotation_event} (SqlHistoryStore /
 *       SqlDialect), one table {@code events} with the event id as primary key, indexes on
 *       (finished_ns), (node, finished_ns), (grp, finished_ns), (path, finished_ns), and for
 *       unusual results a partial index (node, finished_ns) WHERE result &lt;&gt; 'SUCCESS' where the
 *       engine takes one, else a plain (node, result, finished_ns) index ({@code node_failed_index}
 *       says which). The product's schema is further along (hour-keyed node/group/path indexes,
 *       dedup on (finished_ns, event_id)); this is the schema the three engines can share.
 *   <li>Events: deterministic (seeded): random v4 UUIDs, 10,000 nodes {@code mcp-host-%05d} sending
 *       in turn (as bench/fleet/FleetLoad.java does), 20 groups, 3 files per node, finish times
 *       increasing over 30 days, 2% FAILED, a JSON body of about 450 bytes like the agent's.
 *   <li>Ingest: batches of {@code --batch} events, each one transaction committed as durably as the
 *       engine allows (see {@link Engine}), every insert with the engine's dedup idiom as the
 *       product's appends do (INSERT OR IGNORE / MERGE ... WHEN NOT MATCHED / ON CONFLICT DO
 *       NOTHING). By default ({@code --insert rows}) the batch is one multi-row statement for every
 *       engine; {@code --insert batch} sends it as a JDBC batch of one-row statements, the way
 *       SqlHistoryStore does ({@link Insert}). Only the database work is timed (binding, executing,
 *       committing); generating the next batch is not.
 *   <li>Dedup check: the first batch sent again; the count must not change (exit 1 if it does).
 *   <li>Queries: 10 untimed warm-up samples, then 100 timed samples each of the newest page, a
 *       random node's newest 100, and a random node's newest 100 FAILED.
 *   <li>Memory and disk: heap used after System.gc() and VmRSS, after ingest and after the queries;
 *       the size of every file in DIR while open (WAL included) and after close.
 * </ul>
 *
 * <p>Prints {@code key value} lines on stdout, progress on stderr. A watchdog halts the JVM (exit
 * 3) after {@code --max-seconds}.
 */
public final class StoreChoice {
  static final int NODES = 10_000;
  static final int GROUPS = 20;
  static final String[] FILES = {
    "/var/log/mcp-server/server.log", "/var/log/mcp-server/errors.log", "/var/log/mcp-server/access.log"
  };
  static final long DAY_NS = 86_400_000_000_000L;
  static final long SPAN_NS = 30 * DAY_NS;
  /** 2026-11-01T00:00:00Z: a fixed start, so that every run stores the same rows. */
  static final long START_NS = 1_793_491_200_000_000_000L;

  static final int QUERY_SAMPLES = 100;
  static final int QUERY_WARMUP = 10;
  static final int PAGE = 100;

  static final String COLUMNS = "event_id, node, grp, path, finished_ns, result, body";
  static final String UNUSUAL = "result <> 'SUCCESS'";
  static final String ROW = "(?, ?, ?, ?, ?, ?, ?)";

  /**
   * How a batch is sent. ROWS: one INSERT (MERGE) of all the batch's rows, for every engine. BATCH:
   * a JDBC statement batch of one-row statements, as SqlHistoryStore sends them. DuckDB runs each
   * statement of a JDBC batch on its own, and a one-row INSERT ... ON CONFLICT costs it ~1.7 ms
   * (550 events/s here, 25x slower than one 500-row statement); SQLite and H2 take either.
   */
  enum Insert {
    ROWS,
    BATCH
  }

  /**
   * What differs between the engines: how a file database is opened, how a commit is made durable,
   * the dedup idiom.
   */
  enum Engine {
    /**
     * As SqlHistoryStore.openEmbedded: 16 KiB pages set before WAL on a new file, WAL, synchronous
     * FULL (the WAL is fsynced at every commit: a committed batch survives a power loss; checked
     * with strace: one fsync of history.db-wal per commit), a 64 MiB page cache, temp_store MEMORY.
     */
    SQLITE("INSERT OR IGNORE INTO events (" + COLUMNS + ") VALUES ", ROW, "") {
      @Override
      Connection open(Path dir) throws SQLException {
        String url = "jdbc:sqlite:" + dir.resolve("history.db");
        try (Connection c = DriverManager.getConnection(url);
            Statement s = c.createStatement()) {
          s.execute("PRAGMA page_size = 16384");
          s.execute("PRAGMA journal_mode = WAL");
        }
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        p.setProperty("busy_timeout", "10000");
        p.setProperty("cache_size", Integer.toString(-64 * 1024));
        p.setProperty("temp_store", "MEMORY");
        return DriverManager.getConnection(url, p);
      }

      @Override
      String durability(Connection c) throws SQLException {
        String sync = scalar(c, "PRAGMA synchronous");
        return "journal_mode="
            + scalar(c, "PRAGMA journal_mode")
            + " synchronous="
            + ("2".equals(sync) ? "FULL" : sync)
            + " page_size="
            + scalar(c, "PRAGMA page_size")
            + ": the WAL is fsynced at each commit, before commit() returns (survives a kill and a"
            + " power loss), as in SqlHistoryStore";
      }

      @Override
      String cache(Connection c) throws SQLException {
        return "cache_size=" + scalar(c, "PRAGMA cache_size") + " (KiB when negative, off-heap)";
      }

      @Override
      String explain(String sql) {
        return "EXPLAIN QUERY PLAN " + sql;
      }
    },

    /**
     * H2's file database (MVStore). Where the durability comes from: H2's own documentation,
     * advanced.html, "Durability Problems" (h2database.com/html/advanced.html#durability_problems;
     * read in h2database's docsrc, the docs search found no copy of the page): by default H2
     * delays writing committed transactions ("a bit more than one second of committed transactions
     * may be lost" on power failure); "to change the behavior, use SET WRITE_DELAY and CHECKPOINT
     * SYNC". What those do in 2.5.252 (its classes read with javap, h2database's sources alike):
     * with WRITE_DELAY=0, TransactionStore.endTransaction calls MVStore.commit() at every commit
     * (the new chunk is written to the file, not forced: it survives a kill of the JVM, not a
     * power loss); CHECKPOINT SYNC runs Store.sync(), which is MVStore.commit() then
     * FileChannel.force(true). So each batch here is committed, then CHECKPOINT SYNC is run: one
     * fsync per batch, as SQLite's synchronous=FULL gives (checked with strace: one fsync of
     * history.mv.db per commit). H2 has no separate log: each commit writes a new chunk of the
     * changed B-tree pages. The cache is set to the product's SQLite 64 MiB (CACHE_SIZE in KiB;
     * H2 keeps it on the Java heap, inside -Xmx).
     */
    H2(
        "MERGE INTO events t USING (VALUES ",
        "(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
            + " CAST(? AS BIGINT), CAST(? AS VARCHAR), CAST(? AS VARCHAR))",
        ") s ("
            + COLUMNS
            + ") ON t.event_id = s.event_id WHEN NOT MATCHED THEN INSERT ("
            + COLUMNS
            + ") VALUES (s.event_id, s.node, s.grp, s.path, s.finished_ns, s.result, s.body)") {
      @Override
      Connection open(Path dir) throws SQLException {
        return DriverManager.getConnection(
            "jdbc:h2:file:" + dir.resolve("history") + ";WRITE_DELAY=0;CACHE_SIZE=65536", "sa", "");
      }

      @Override
      void afterCommit(Connection c, Statement s) throws SQLException {
        s.execute("CHECKPOINT SYNC");
      }

      @Override
      String durability(Connection c) throws SQLException {
        return "MVStore WRITE_DELAY="
            + setting(c, "WRITE_DELAY")
            + " + CHECKPOINT SYNC after each commit: the chunk is written at commit and the file"
            + " fsynced (FileChannel.force) before the batch counts as stored (survives a kill and a"
            + " power loss); H2's default (WRITE_DELAY 500 ms, no sync) writes commits in the"
            + " background, and by its docs about a second of them can be lost on power failure";
      }

      @Override
      String cache(Connection c) throws SQLException {
        return "CACHE_SIZE=" + setting(c, "CACHE_SIZE") + " KiB (on the Java heap)";
      }

      @Override
      String explain(String sql) {
        return "EXPLAIN " + sql;
      }

      private String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
          s.setString(1, name);
          try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : "?";
          }
        }
      }
    },

    /**
     * DuckDB's file database. Where the durability comes from: DuckDB's docs (duckdb.org/docs,
     * CHECKPOINT statement, found with the docs search) say changes go to the write-ahead log and
     * are checkpointed into the database file automatically by WAL size (checkpoint_threshold);
     * none of its settings turns the sync off. In duckdb's source (code search, duckdb/duckdb
     * src/storage/write_ahead_log.cpp) the commit's WriteAheadLog::Flush writes a flush marker and
     * syncs the WAL file. Checked with strace: one fsync of history.duckdb.wal per commit. Memory:
     * DuckDB's default memory_limit (80% of RAM), off-heap; RSS shows what it took. DuckDB takes
     * no partial index, and its planner answered these ORDER BY ... LIMIT queries with
     * sequential scans (zone maps) rather than its ART indexes (printed as plan_*).
     */
    DUCKDB("INSERT INTO events (" + COLUMNS + ") VALUES ", ROW, " ON CONFLICT DO NOTHING") {
      @Override
      Connection open(Path dir) throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb"));
      }

      @Override
      String durability(Connection c) throws SQLException {
        return "WAL (history.duckdb.wal) fsynced at each commit (no setting turns it off), checkpointed at"
            + " checkpoint_threshold="
            + scalar(c, "SELECT current_setting('checkpoint_threshold')")
            + " (survives a kill and a power loss)";
      }

      @Override
      String cache(Connection c) throws SQLException {
        return "memory_limit="
            + scalar(c, "SELECT current_setting('memory_limit')")
            + " threads="
            + scalar(c, "SELECT current_setting('threads')")
            + " (off-heap)";
      }

      @Override
      String explain(String sql) {
        return "EXPLAIN " + sql;
      }
    };

    private final String insertHead;
    private final String insertRow;
    private final String insertTail;

    Engine(String insertHead, String insertRow, String insertTail) {
      this.insertHead = insertHead;
      this.insertRow = insertRow;
      this.insertTail = insertTail;
    }

    /** The dedup insert of {@code rows} events in one statement. */
    String insert(int rows) {
      return insertHead + String.join(", ", java.util.Collections.nCopies(rows, insertRow)) + insertTail;
    }

    abstract Connection open(Path dir) throws SQLException;

    /** What makes a commit durable beyond commit() itself (H2's CHECKPOINT SYNC). */
    void afterCommit(Connection c, Statement s) throws SQLException {}

    abstract String durability(Connection c) throws SQLException;

    abstract String cache(Connection c) throws SQLException;

    abstract String explain(String sql);
  }

  /** One event as stored. */
  record Event(String id, String node, String grp, String path, long finishedNs, String result, String body) {}

  /** Events 0..total-1, the same in every run: ids and results from one seeded Random, in order. */
  static final class Events {
    private final Random random = new Random(20261201L);
    private final long total;
    private final long step;
    private long next;

    Events(long total) {
      this.total = total;
      this.step = SPAN_NS / total;
    }

    List<Event> batch(int size) {
      List<Event> out = new ArrayList<>(size);
      for (int k = 0; k < size && next < total; k++, next++) {
        out.add(event(next));
      }
      return out;
    }

    private Event event(long i) {
      UUID id =
          new UUID(
              (random.nextLong() & ~0xF000L) | 0x4000L,
              (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
      boolean failed = random.nextInt(50) == 0;
      // Increasing: event i finishes within its own step of the 30 days.
      long finished = START_NS + i * step + (step > 1 ? Math.floorMod(random.nextLong(), step) : 0);
      int node = (int) (i % NODES);
      String nodeId = nodeId(node);
      String grp = "mcp-server-" + node % GROUPS;
      String path = FILES[(int) ((i / NODES) % FILES.length)];
      String result = failed ? "FAILED" : "SUCCESS";
      String body =
          "{\"protocolVersion\":\"1.0\",\"eventId\":\""
              + id
              + "\",\"nodeId\":\""
              + nodeId
              + "\",\"group\":\""
              + grp
              + "\",\"path\":\""
              + path
              + "\",\"trigger\":\"SIZE\",\"startedAt\":"
              + (finished - 2_000_000_000L)
              + ",\"finishedAt\":"
              + finished
              + (failed ? ",\"result\":\"FAILED\",\"reason\":\"IO_ERROR\"" : ",\"result\":\"SUCCESS\"")
              + ",\"bytesBefore\":104857600,\"bytesAfter\":10485760,\"codec\":\"zstd\","
              + "\"durationMs\":2000,\"compressedBytes\":10485760,\"agentVersion\":\"0.1.0\","
              + "\"lockBackend\":\"hazelcast\",\"lockWaitMs\":120,"
              + "\"fencingToken\":"
              + (i + 1)
              + "}";
      return new Event(id.toString(), nodeId, grp, path, finished, result, body);
    }
  }

  static String nodeId(int node) {
    return String.format(Locale.ROOT, "mcp-host-%05d", node);
  }

  public static void main(String[] args) throws Exception {
    Engine engine = null;
    Path dir = null;
    long events = 1_000_000;
    int batch = 500;
    long maxSeconds = 3600;
    Insert insert = Insert.ROWS;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--engine" -> engine = Engine.valueOf(need(args[i], value).toUpperCase(Locale.ROOT));
        case "--dir" -> dir = Path.of(need(args[i], value));
        case "--events" -> events = Long.parseLong(need(args[i], value));
        case "--batch" -> batch = Integer.parseInt(need(args[i], value));
        case "--max-seconds" -> maxSeconds = Long.parseLong(need(args[i], value));
        case "--insert" -> insert = Insert.valueOf(need(args[i], value).toUpperCase(Locale.ROOT));
        default -> usage("unknown option " + args[i]);
      }
      i++;
    }
    if (engine == null || dir == null) {
      usage("--engine and --dir are needed");
    }
    if (events < 10L * batch || batch < 1 || maxSeconds < 1) {
      usage("--events must hold at least 10 batches of --batch (>= 1), --max-seconds >= 1");
    }
    watchdog(engine, maxSeconds);
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      if (old.findAny().isPresent()) {
        usage(dir + " is not empty; give a fresh directory");
      }
    }
    System.exit(new StoreChoice(engine, dir, events, batch, insert).run());
  }

  private static String need(String option, String value) {
    if (value == null) {
      usage(option + " needs a value");
    }
    return value;
  }

  private static void usage(String why) {
    System.err.println(
        "store-choice: "
            + why
            + "\nusage: --engine sqlite|h2|duckdb --dir DIR --events N [--batch 500] [--insert rows|batch]"
            + " [--max-seconds S]");
    System.exit(2);
  }

  private static void watchdog(Engine engine, long seconds) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(seconds * 1000);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "store-choice " + name(engine) + ": not done after " + seconds + " s; stopping");
              Runtime.getRuntime().halt(3);
            },
            "store-choice-watchdog");
    t.setDaemon(true);
    t.start();
  }

  private final Engine engine;
  private final Path dir;
  private final long events;
  private final int batch;
  private final Insert insert;

  StoreChoice(Engine engine, Path dir, long events, int batch, Insert insert) {
    this.engine = engine;
    this.dir = dir;
    this.events = events;
    this.batch = batch;
    this.insert = insert;
  }

  static String name(Engine e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private void out(String key, Object value) {
    System.out.println(key + " " + value);
    System.out.flush();
  }

  private void progress(String message) {
    System.err.println("store-choice " + name(engine) + ": " + message);
  }

  int run() throws Exception {
    out("engine", name(engine));
    out("events", events);
    out("batch", batch);
    out("insert", insert.name().toLowerCase(Locale.ROOT));
    int status;
    try (Connection c = engine.open(dir)) {
      DatabaseMetaData md = c.getMetaData();
      out(
          "engine_version",
          md.getDatabaseProductName().replace(' ', '_')
              + "_"
              + md.getDatabaseProductVersion().replace(' ', '_')
              + " driver_"
              + md.getDriverVersion().replace(' ', '_'));
      out("durability", engine.durability(c));
      out("cache", engine.cache(c));
      createSchema(c);
      c.setAutoCommit(false);
      List<Event> first = ingest(c);
      status = dedupCheck(c, first);
      memory("after_ingest");
      queries(c);
      memory("after_queries");
      out("db_mib_open", mib(dirBytes()));
    }
    out("db_mib_closed", mib(dirBytes()));
    return status;
  }

  private void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE events (event_id VARCHAR(36) PRIMARY KEY, node VARCHAR NOT NULL,"
              + " grp VARCHAR NOT NULL, path VARCHAR NOT NULL, finished_ns BIGINT NOT NULL,"
              + " result VARCHAR NOT NULL, body VARCHAR NOT NULL)");
      s.execute("CREATE INDEX events_time ON events (finished_ns)");
      s.execute("CREATE INDEX events_node ON events (node, finished_ns)");
      s.execute("CREATE INDEX events_grp ON events (grp, finished_ns)");
      s.execute("CREATE INDEX events_path ON events (path, finished_ns)");
      String kind;
      try {
        s.execute("CREATE INDEX events_node_unusual ON events (node, finished_ns) WHERE " + UNUSUAL);
        kind = "partial (node, finished_ns) WHERE " + UNUSUAL;
      } catch (SQLException e) {
        progress("no partial index: " + oneLine(e.getMessage(), 200));
        kind = "plain (node, result, finished_ns): no partial indexes (" + oneLine(e.getMessage(), 120) + ")";
        // A fresh statement: DuckDB's JDBC closes the one that failed.
        try (Statement plain = c.createStatement()) {
          plain.execute("CREATE INDEX events_node_result ON events (node, result, finished_ns)");
        }
      }
      out("node_failed_index", kind);
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /** Ingests every event; returns the first batch, for the dedup check. */
  private List<Event> ingest(Connection c) throws SQLException {
    out("insert_sql", oneLine(insert == Insert.ROWS ? engine.insert(2) + " (" + batch + " rows)" : engine.insert(1) + " (JDBC batch of " + batch + ")", 1000));
    Events gen = new Events(events);
    long lastTenthFrom = events - events / 10;
    long stored = 0;
    long dbNanos = 0;
    long lastTenthNanos = 0;
    long lastTenthEvents = 0;
    long bodyChars = 0;
    long wallStart = System.nanoTime();
    long reportAt = events / 10;
    long tenthNanos = 0;
    long tenthEvents = 0;
    List<Event> first = null;
    try (Inserter inserter = new Inserter(c);
        Statement s = c.createStatement()) {
      while (stored < events) {
        List<Event> b = gen.batch(batch);
        if (first == null) {
          first = b;
        }
        long t0 = System.nanoTime();
        inserter.insert(b);
        c.commit();
        engine.afterCommit(c, s);
        long took = System.nanoTime() - t0;
        dbNanos += took;
        tenthNanos += took;
        tenthEvents += b.size();
        if (stored >= lastTenthFrom) {
          lastTenthNanos += took;
          lastTenthEvents += b.size();
        }
        for (Event e : b) {
          bodyChars += e.body().length();
        }
        stored += b.size();
        if (stored >= reportAt || stored == events) {
          progress(
              String.format(
                  Locale.ROOT,
                  "%d/%d events, %.0f events/s over the last %d, %.0f s elapsed",
                  stored,
                  events,
                  tenthEvents / (tenthNanos / 1e9),
                  tenthEvents,
                  (System.nanoTime() - wallStart) / 1e9));
          reportAt += events / 10;
          tenthNanos = 0;
          tenthEvents = 0;
        }
      }
    }
    long count = count(c);
    out("body_bytes_avg", bodyChars / events);
    out("ingest_seconds", String.format(Locale.ROOT, "%.1f", dbNanos / 1e9));
    out("ingest_wall_seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - wallStart) / 1e9));
    out("ingest_events_per_s", Math.round(events / (dbNanos / 1e9)));
    out("ingest_last10_events_per_s", Math.round(lastTenthEvents / (lastTenthNanos / 1e9)));
    out("stored_events", count);
    if (count != events) {
      throw new IllegalStateException(events + " events sent, " + count + " stored");
    }
    return first;
  }

  /** Sends batches the chosen way, one prepared statement per batch size. */
  private final class Inserter implements AutoCloseable {
    private final Connection c;
    private final java.util.Map<Integer, PreparedStatement> statements = new java.util.HashMap<>();

    Inserter(Connection c) {
      this.c = c;
    }

    /** Inserts the events (without committing); returns the rows the engine says it inserted. */
    long insert(List<Event> events) throws SQLException {
      if (insert == Insert.BATCH) {
        PreparedStatement s = statement(1);
        for (Event e : events) {
          bind(s, 0, e);
          s.addBatch();
        }
        return Arrays.stream(s.executeBatch()).filter(n -> n > 0).asLongStream().sum();
      }
      PreparedStatement s = statement(events.size());
      for (int i = 0; i < events.size(); i++) {
        bind(s, i * 7, events.get(i));
      }
      return s.executeUpdate();
    }

    private PreparedStatement statement(int rows) throws SQLException {
      PreparedStatement s = statements.get(rows);
      if (s == null) {
        s = c.prepareStatement(engine.insert(rows));
        statements.put(rows, s);
      }
      return s;
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement s : statements.values()) {
        s.close();
      }
    }
  }

  private static void bind(PreparedStatement s, int at, Event e) throws SQLException {
    s.setString(at + 1, e.id());
    s.setString(at + 2, e.node());
    s.setString(at + 3, e.grp());
    s.setString(at + 4, e.path());
    s.setLong(at + 5, e.finishedNs());
    s.setString(at + 6, e.result());
    s.setString(at + 7, e.body());
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      long n = rs.getLong(1);
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return n;
    }
  }

  /** The first batch again, through the same dedup statement: the count must stay. */
  private int dedupCheck(Connection c, List<Event> first) throws SQLException {
    long before = count(c);
    long reported;
    try (Inserter inserter = new Inserter(c);
        Statement s = c.createStatement()) {
      reported = inserter.insert(first);
      c.commit();
      engine.afterCommit(c, s);
    }
    long after = count(c);
    out("dedup_count_before", before);
    out("dedup_count_after", after);
    out("dedup_rows_reported_inserted", reported);
    boolean ok = before == after;
    out("dedup_ok", ok);
    if (!ok) {
      progress("DEDUP FAILED: re-sending " + first.size() + " stored events changed the count from " + before + " to " + after);
      return 1;
    }
    return 0;
  }

  private void queries(Connection c) throws SQLException {
    String select = "SELECT " + COLUMNS + " FROM events";
    String newest = select + " ORDER BY finished_ns DESC LIMIT " + PAGE;
    String node = select + " WHERE node = ? ORDER BY finished_ns DESC LIMIT " + PAGE;
    // The partial index's condition word for word beside result = 'FAILED', as the product's
    // queries do: SQLite uses a partial index only when the query contains its condition.
    String nodeFailed =
        select
            + " WHERE node = ? AND result = 'FAILED' AND "
            + UNUSUAL
            + " ORDER BY finished_ns DESC LIMIT "
            + PAGE;
    long maxFinished;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(finished_ns) FROM events")) {
      rs.next();
      maxFinished = rs.getLong(1);
    }
    c.commit();
    Random random = new Random(7);
    query(c, "newest", newest, null, random, maxFinished);
    query(c, "node", node, "SUCCESS_OR_FAILED", random, maxFinished);
    query(c, "node_failed", nodeFailed, "FAILED", random, maxFinished);
  }

  private void query(Connection c, String name, String sql, String byNode, Random random, long maxFinished)
      throws SQLException {
    out("plan_" + name, plan(c, sql, byNode != null));
    double[] ms = new double[QUERY_SAMPLES];
    long rows = 0;
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = -QUERY_WARMUP; i < QUERY_SAMPLES; i++) {
        String nodeId = nodeId(random.nextInt(NODES));
        long t0 = System.nanoTime();
        if (byNode != null) {
          s.setString(1, nodeId);
        }
        int n = 0;
        long top = Long.MIN_VALUE;
        long previous = Long.MAX_VALUE;
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            // Every column read, as the API reads the body of each row it returns.
            rs.getString(1);
            String nodeSeen = rs.getString(2);
            rs.getString(3);
            rs.getString(4);
            long finished = rs.getLong(5);
            String result = rs.getString(6);
            rs.getString(7);
            if (finished > previous
                || (byNode != null && !nodeSeen.equals(nodeId))
                || ("FAILED".equals(byNode) && !"FAILED".equals(result))) {
              throw new IllegalStateException(name + " returned a wrong row: " + nodeSeen + " " + finished + " " + result);
            }
            previous = finished;
            top = Math.max(top, finished);
            n++;
          }
        }
        c.commit();
        long took = System.nanoTime() - t0;
        if (byNode == null && (n != PAGE || top != maxFinished)) {
          throw new IllegalStateException("the newest page is not the newest " + PAGE + " events");
        }
        if (i >= 0) {
          ms[i] = took / 1e6;
          rows += n;
        }
      }
    }
    Arrays.sort(ms);
    out("query_" + name + "_p50_ms", String.format(Locale.ROOT, "%.3f", percentile(ms, 50)));
    out("query_" + name + "_p99_ms", String.format(Locale.ROOT, "%.3f", percentile(ms, 99)));
    out("query_" + name + "_rows_avg", String.format(Locale.ROOT, "%.1f", rows / (double) QUERY_SAMPLES));
  }

  /** Nearest rank on sorted samples. */
  static double percentile(double[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private String plan(Connection c, String sql, boolean byNode) throws SQLException {
    StringBuilder b = new StringBuilder();
    try (PreparedStatement s = c.prepareStatement(engine.explain(sql))) {
      if (byNode) {
        s.setString(1, nodeId(0));
      }
      try (ResultSet rs = s.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          for (int i = 1; i <= md.getColumnCount(); i++) {
            String v = rs.getString(i);
            if (v != null) {
              b.append(v).append(' ');
            }
          }
          b.append("| ");
        }
      }
    }
    c.commit();
    // Box drawing (DuckDB) and whitespace folded, so that the plan is one line.
    return oneLine(b.toString().replaceAll("[\\u2500-\\u257F]+", " "), 600);
  }

  static String oneLine(String s, int max) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").trim();
    return one.length() <= max ? one : one.substring(0, max) + "...";
  }

  private void memory(String when) throws IOException {
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    out("heap_after_gc_mib_" + when, mib(heap));
    out("rss_mib_" + when, mib(rssBytes()));
  }

  static long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private long dirBytes() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // a WAL removed at close while walking
                }
              })
          .sum();
    }
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }
}
