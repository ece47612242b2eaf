package io.fleetrotate.coordinator.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fleetrotate.proto.DaemonThreads;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation history and node snapshots in a SQL database: an embedded SQLite file ({@link
 * #openEmbedded}, WAL mode, {@code synchronous=FULL}) by default, or PostgreSQL ({@link
 * #openPostgres}) for large fleets. Nothing of the history is held in the heap: each query reads
 * one page through an index, and exports page through with keyset cursors. The node, group and path
 * indexes are keyed by hour first, so that new events go into the small section of their hour
 * instead of one place per node spread over the whole index: ingest does not slow down as the
 * history grows; a query by node, group or path walks the sections newest first ({@link Section}).
 *
 * <p>Events are deduplicated by a unique index on the finish time and event id ({@code ON CONFLICT
 * DO NOTHING}): a resent event carries both unchanged. All writes go through one writer thread:
 * appends that queue up while it commits are written in one transaction (group commit) and
 * acknowledged only after the commit. Reads borrow a pooled connection on the caller's thread,
 * which must not be an event loop. A database that cannot be written (disk full, locked, down)
 * fails the append with an {@link IOException}.
 */
public final class SqlHistoryStore implements HistoryStore {
  private static final Logger log = LoggerFactory.getLogger(SqlHistoryStore.class);
  private static final String DB_FILE = "history.db";

  /** Rows deleted per writer turn by the retention sweep, so ingest runs between the batches. */
  static final int SWEEP_BATCH = 5_000;

  /** SQLite's page cache per connection (the writer's matters for ingest), in KiB. */
  static final int CACHE_KIB = 64 * 1024;

  static final int PAGE_BYTES = 16 * 1024;

  /** Events per statement batch when the summaries are filled from an earlier version's history. */
  private static final int SUMMARY_CHUNK = 10_000;

  private static final long WAIT_MINUTES = 5;

  /**
   * How long a start waits for the schema migration: migrating a large history once (summarizing
   * it, rebuilding an index) takes minutes, not the seconds of a write.
   */
  private static final long MIGRATE_MINUTES = 12 * 60;

  private static final String COLUMNS = "event_id, finished_ns, node, grp, path, result, body";
  private static final String ORDER = " ORDER BY finished_ns DESC, event_id DESC";

  private final SqlDialect dialect;
  private final HikariDataSource pool;
  private final Duration retention;
  private final Clock clock;
  private final WireCodec codec = new WireCodec();
  private final AtomicLong count = new AtomicLong();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("fleetrotate-history-writer"));

  private SqlHistoryStore(
      SqlDialect dialect, HikariDataSource pool, Duration retention, Clock clock) {
    this.dialect = dialect;
    this.pool = pool;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the SQLite database {@code history.db} in {@code dir}, and imports
   * the JSON-lines history an earlier version left there.
   *
   * @throws IOException if the directory or the database cannot be used
   */
  public static SqlHistoryStore openEmbedded(Path dir, Duration retention, Clock clock)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(DB_FILE);
    if (Files.notExists(file)) {
      createWideDatabase(file);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + file);
    config.addDataSourceProperty("journal_mode", "WAL");
    // FULL syncs the WAL at each group commit, before the batch is acknowledged: an acknowledged
    // event survives a power loss too. NORMAL (a sync per checkpoint) would keep the API's promise
    // (it survives a kill of the coordinator) but was no faster beyond noise here (README).
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("busy_timeout", "10000");
    // Page cache per connection, off the Java heap: the unique event-id index takes random
    // inserts, which the default 2 MiB turns into a read per insert once the index outgrows it.
    config.addDataSourceProperty("cache_size", Integer.toString(-CACHE_KIB));
    config.addDataSourceProperty("temp_store", "MEMORY");
    config.setMaximumPoolSize(4);
    config.setPoolName("fleetrotate-history-sqlite");
    SqlHistoryStore store = open(SqlDialect.SQLITE, config, retention, clock);
    try {
      LegacyFileImport.importInto(store, dir, clock.instant().minus(retention));
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Creates an empty database with 16 KiB pages (shallower indexes, fewer page splits per insert
   * than SQLite's 4 KiB): the page size is fixed once the database is in WAL mode.
   */
  private static void createWideDatabase(Path file) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size = " + PAGE_BYTES);
      s.execute("PRAGMA journal_mode = WAL");
    } catch (SQLException e) {
      throw new IOException("cannot create the history database " + file + ": " + e, e);
    }
  }

  /**
   * Connects to PostgreSQL and creates or migrates the schema.
   *
   * @throws IOException if the server cannot be reached or refuses the login
   */
  public static SqlHistoryStore openPostgres(
      String url, String user, String password, int poolSize, Duration retention, Clock clock)
      throws IOException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("fleetrotate-history-postgres");
    return open(SqlDialect.POSTGRES, config, retention, clock);
  }

  private static SqlHistoryStore open(
      SqlDialect dialect, HikariConfig config, Duration retention, Clock clock) throws IOException {
    // A database that is down answers 503 within seconds rather than holding requests.
    config.setConnectionTimeout(5_000);
    config.setInitializationFailTimeout(-1);
    HikariDataSource pool = new HikariDataSource(config);
    SqlHistoryStore store = new SqlHistoryStore(dialect, pool, retention, clock);
    try {
      store.onWriter(
          () -> {
            store.migrate();
            return null;
          },
          MIGRATE_MINUTES);
      store.count.set(store.countEvents());
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private void migrate() throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        dialect.lockSchema(s);
        s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        int current = 0;
        try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
          if (rs.next()) {
            current = rs.getInt(1);
          }
        }
        List<List<String>> migrations = dialect.migrations();
        for (int v = current + 1; v <= migrations.size(); v++) {
          log.info("migrating the history schema to version {} ({})", v, dialect);
          for (String sql : migrations.get(v - 1)) {
            s.execute(sql);
          }
          if (v == SqlDialect.SUMMARIES_VERSION) {
            summarizeHistory(c);
          }
          if (v == SqlDialect.HOUR_SLICES_VERSION && dialect.keepsHourSlices()) {
            s.execute(HourSlices.FILL);
          }
          s.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
          log.info("history schema migrated to version {} ({})", v, dialect);
        }
      }
      c.commit();
    }
  }

  /**
   * Fills the summaries from the history an earlier version stored, once, in the migration's
   * transaction: newest first, as that version's start counted it back, a chunk at a time, through
   * the very code that keeps them up at each append.
   */
  private void summarizeHistory(Connection c) throws SQLException {
    long events = 0;
    try (PreparedStatement s = c.prepareStatement("SELECT body FROM rotation_event" + ORDER)) {
      s.setFetchSize(SUMMARY_CHUNK);
      try (ResultSet rs = s.executeQuery()) {
        List<RotationEvent> chunk = new ArrayList<>(SUMMARY_CHUNK);
        while (rs.next()) {
          decode(rs.getString(1)).ifPresent(chunk::add);
          if (chunk.size() == SUMMARY_CHUNK) {
            RotationSummaries.add(c, chunk);
            events += chunk.size();
            chunk.clear();
          }
        }
        RotationSummaries.add(c, chunk);
        events += chunk.size();
      }
    }
    log.info("summarized {} stored rotation events for restarts", events);
  }

  // ---- appends ----

  @Override
  public CompletableFuture<List<RotationEvent>> append(List<RotationEvent> events) {
    // The stored bodies are encoded here, on the caller's thread, so that callers encode in
    // parallel and the one writer thread only writes.
    List<String> bodies = new ArrayList<>(events.size());
    try {
      for (RotationEvent e : events) {
        bodies.add(new String(codec.encode(e), StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      // As a write the database refused: nothing of the batch is stored, the caller may retry.
      return CompletableFuture.failedFuture(
          new IOException("the rotation events could not be encoded for storing: " + e, e));
    }
    Pending pending = new Pending(List.copyOf(events), bodies, new CompletableFuture<>());
    queue.add(pending);
    try {
      writer.execute(this::drain);
    } catch (RejectedExecutionException e) {
      queue.remove(pending);
      pending.done().completeExceptionally(new IOException("the history store is closed"));
    }
    return pending.done();
  }

  private void drain() {
    List<Pending> batch = new ArrayList<>();
    for (Pending p; (p = queue.poll()) != null; ) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<List<RotationEvent>> fresh;
    try {
      fresh = insert(batch);
    } catch (SQLException | RuntimeException e) {
      log.error("could not store rotation events: {}", e.toString());
      IOException failure = new IOException("the history database refused the write: " + e, e);
      batch.forEach(p -> p.done().completeExceptionally(failure));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      count.addAndGet(fresh.get(i).size());
      batch.get(i).done().complete(fresh.get(i));
    }
  }

  /**
   * Inserts the batch in one transaction; returns, per pending append, the events that were new.
   */
  private List<List<RotationEvent>> insert(List<Pending> batch) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO rotation_event ("
                  + COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (finished_ns, event_id) DO NOTHING")) {
        // One statement batch per group commit; its update counts say which events were new.
        List<RotationEvent> sent = new ArrayList<>();
        Set<StoredKey> inBatch = new HashSet<>();
        for (Pending p : batch) {
          for (int i = 0; i < p.events().size(); i++) {
            RotationEvent e = p.events().get(i);
            if (inBatch.add(StoredKey.of(e))) {
              bind(insert, e, p.bodies().get(i));
              insert.addBatch();
              sent.add(e);
            }
          }
        }
        int[] updated = insert.executeBatch();
        List<RotationEvent> added = new ArrayList<>();
        Set<StoredKey> stored = new HashSet<>();
        for (int i = 0; i < sent.size(); i++) {
          if (updated[i] == 1) {
            stored.add(StoredKey.of(sent.get(i)));
            added.add(sent.get(i));
          }
        }
        RotationSummaries.add(c, added);
        if (dialect.keepsHourSlices()) {
          List<Long> addedAt = new ArrayList<>(added.size());
          for (RotationEvent e : added) {
            addedAt.add(nanos(e.finishedAt()));
          }
          HourSlices.change(c, addedAt, +1);
        }
        c.commit();
        List<List<RotationEvent>> fresh = new ArrayList<>(batch.size());
        for (Pending p : batch) {
          List<RotationEvent> mine = new ArrayList<>();
          for (RotationEvent e : p.events()) {
            if (stored.remove(StoredKey.of(e))) {
              mine.add(e);
            }
          }
          fresh.add(mine);
        }
        return fresh;
      } catch (SQLException | RuntimeException e) {
        discard(c);
        throw e;
      }
    }
  }

  private static void bind(PreparedStatement insert, RotationEvent e, String body)
      throws SQLException {
    insert.setString(1, e.eventId().toString());
    insert.setLong(2, nanos(e.finishedAt()));
    insert.setString(3, e.nodeId());
    insert.setString(4, e.group());
    insert.setString(5, e.path());
    insert.setString(6, e.result().name());
    insert.setString(7, body);
  }

  // ---- reads ----

  @Override
  public boolean contains(RotationEvent event) {
    return read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT 1 FROM rotation_event WHERE finished_ns = ? AND event_id = ?")) {
            s.setLong(1, nanos(event.finishedAt()));
            s.setString(2, event.eventId().toString());
            try (ResultSet rs = s.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /**
   * The events held, as counted at open and kept up by this store's appends and sweeps: a count
   * that does not scan the table. With PostgreSQL shared by several coordinators the others'
   * appends show after the next sweep recounts.
   */
  @Override
  public long size() {
    return count.get();
  }

  /**
   * The page query of {@code q}: its SQL and arguments, one page plus one row to see more. A query
   * by node, group or path reads one section of an index keyed by hour or day first ({@link
   * Section}): its first argument is the section, which {@link #query} sets for each one it walks.
   */
  static Select select(RotationQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT body FROM rotation_event WHERE 1 = 1");
    Section section = Section.walkedBy(q);
    if (section != null) {
      sql.append(" AND ").append(section.key).append(" = ?");
      args.add(section.of(q.after() == null ? Long.MAX_VALUE : nanos(q.after().finishedAt())));
    }
    filter(sql, args, " AND node = ?", q.node());
    filter(sql, args, " AND grp = ?", q.group());
    filter(sql, args, " AND path = ?", q.path());
    filter(sql, args, " AND result = ?", q.result() == null ? null : q.result().name());
    if (unusual(q)) {
      sql.append(" AND ").append(SqlDialect.UNUSUAL_RESULT);
    }
    filter(sql, args, " AND finished_ns >= ?", q.since() == null ? null : nanos(q.since()));
    if (q.after() != null) {
      sql.append(" AND (finished_ns, event_id) < (?, ?)");
      args.add(nanos(q.after().finishedAt()));
      args.add(q.after().eventId().toString());
    }
    sql.append(ORDER).append(" LIMIT ?");
    args.add(q.limit() + 1);
    return new Select(sql.toString(), args);
  }

  record Select(String sql, List<Object> args) {}

  /** Whether {@code q} asks for failed or skipped events: the partial indexes' condition. */
  private static boolean unusual(RotationQuery q) {
    return q.result() != null && q.result() != Result.SUCCESS;
  }

  /**
   * The first key of the index a query by node, group or path reads, and the walk over its
   * sections. The node, group and path indexes are keyed by the hour (schema version 7), so the new
   * events of a commit share one small section. The partial index of a node's failed and skipped
   * events, 2% of the inserts, stays keyed by the day (version 5): a node has few of those in an
   * hour, and its page walks at most 31 days for 30 days of history rather than 720 hours.
   */
  enum Section {
    HOUR(SqlDialect.HOUR, HourSlices.HOUR_NANOS),
    DAY(SqlDialect.DAY, SqlDialect.DAY_NANOS);

    /** The indexed expression, word for word as the index has it (SQLite matches it by text). */
    final String key;

    private final long nanos;

    /**
     * The sections that hold events finished at or before the first argument and at or after the
     * second (and third), newest first, in one statement: each step finds the newest finish time
     * before the previous section on the time index, so sections without events cost nothing.
     */
    final String walk;

    Section(String key, long nanos) {
      this.key = key;
      this.nanos = nanos;
      this.walk =
          "WITH RECURSIVE walk (ns) AS ("
              + "SELECT (SELECT finished_ns FROM rotation_event WHERE finished_ns <= ?"
              + " AND finished_ns >= ? ORDER BY finished_ns DESC LIMIT 1)"
              + " UNION ALL SELECT (SELECT finished_ns FROM rotation_event"
              + " WHERE finished_ns < walk.ns / "
              + nanos
              + " * "
              + nanos
              + " AND finished_ns >= ? ORDER BY finished_ns DESC LIMIT 1)"
              + " FROM walk WHERE walk.ns IS NOT NULL)"
              + " SELECT ns FROM walk WHERE ns IS NOT NULL";
    }

    /**
     * The section of a finish time, as {@link #key} computes it (finish times are from 1970 on:
     * {@link RotationEvent} checks).
     */
    long of(long finishedNanos) {
      return finishedNanos / nanos;
    }

    /** The sections {@code q} walks, or null if it reads no such index (no node, group or path). */
    static Section walkedBy(RotationQuery q) {
      if (q.node() == null && q.group() == null && q.path() == null) {
        return null;
      }
      return q.node() != null && unusual(q) ? DAY : HOUR;
    }
  }

  @Override
  public RotationPage query(RotationQuery q) {
    Select select = select(q);
    List<RotationEvent> items = new ArrayList<>(Math.min(q.limit(), 1024));
    int wanted = q.limit() + 1;
    int[] rows = {0};
    read(
        c -> {
          try (PreparedStatement s = c.prepareStatement(select.sql())) {
            for (int i = 0; i < select.args().size(); i++) {
              s.setObject(i + 1, select.args().get(i));
            }
            Section section = Section.walkedBy(q);
            if (section == null) {
              rows[0] = readInto(s, items, q.limit());
              return null;
            }
            // Newest section first, sections without events skipped, until the page is full.
            long since = q.since() == null ? Long.MIN_VALUE : nanos(q.since());
            long atMost = q.after() == null ? Long.MAX_VALUE : nanos(q.after().finishedAt());
            List<Long> sections = new ArrayList<>();
            try (PreparedStatement walk = c.prepareStatement(section.walk)) {
              walk.setLong(1, atMost);
              walk.setLong(2, since);
              walk.setLong(3, since);
              try (ResultSet rs = walk.executeQuery()) {
                while (rs.next()) {
                  sections.add(section.of(rs.getLong(1)));
                }
              }
            }
            for (int i = 0; i < sections.size() && rows[0] < wanted; i++) {
              s.setLong(1, sections.get(i));
              s.setInt(select.args().size(), wanted - rows[0]);
              rows[0] += readInto(s, items, q.limit() - rows[0]);
            }
          }
          return null;
        });
    Optional<Cursor> next =
        rows[0] > q.limit() && !items.isEmpty()
            ? Optional.of(Cursor.of(items.get(items.size() - 1)))
            : Optional.empty();
    return new RotationPage(items, next);
  }

  /**
   * Runs the page query {@code s}, adds up to {@code room} readable events to {@code items}, and
   * returns how many rows it read (one more than {@code room} says there is more).
   */
  private int readInto(PreparedStatement s, List<RotationEvent> items, int room)
      throws SQLException {
    int rows = 0;
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows++;
        if (rows > room) {
          break;
        }
        decode(rs.getString(1)).ifPresent(items::add);
      }
    }
    return rows;
  }

  private static void filter(StringBuilder sql, List<Object> args, String clause, Object value) {
    if (value != null) {
      sql.append(clause);
      args.add(value);
    }
  }

  @Override
  public void forEachSince(Instant since, Consumer<RotationEvent> action) {
    read(
        c -> {
          // PostgreSQL streams a result only inside a transaction with a fetch size.
          c.setAutoCommit(false);
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT body FROM rotation_event WHERE finished_ns >= ?" + ORDER)) {
            s.setFetchSize(1_000);
            s.setLong(1, nanos(since));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                decode(rs.getString(1)).ifPresent(action);
              }
            }
          } finally {
            rollbackQuietly(c);
          }
          return null;
        });
  }

  private Optional<RotationEvent> decode(String body) {
    try {
      return Optional.of(codec.decodeEvent(body));
    } catch (WireFormatException e) {
      log.warn("skipping an unreadable stored event: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private long countEvents() throws IOException {
    try {
      return read(RotationSummaries::count);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public RestoredRotations restoredRotations(Instant now) {
    return read(c -> RotationSummaries.read(c, now));
  }

  // ---- node snapshot ----

  @Override
  public void saveNodes(List<SavedNode> nodes) throws IOException {
    // Encoded on the caller's thread: the writer thread, which ingest waits on, only writes.
    List<String> bodies = new ArrayList<>(nodes.size());
    for (SavedNode n : nodes) {
      bodies.add(SavedNodeJson.encode(n));
    }
    onWriter(
        () -> {
          try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement clear = c.createStatement();
                PreparedStatement insert =
                    c.prepareStatement(
                        "INSERT INTO node_snapshot (node_id, body) VALUES (?, ?)"
                            + " ON CONFLICT (node_id) DO UPDATE SET body = excluded.body")) {
              clear.execute("DELETE FROM node_snapshot");
              for (int i = 0; i < nodes.size(); i++) {
                insert.setString(1, nodes.get(i).heartbeat().nodeId());
                insert.setString(2, bodies.get(i));
                insert.addBatch();
              }
              insert.executeBatch();
              c.commit();
            } catch (SQLException | RuntimeException e) {
              discard(c);
              throw e;
            }
          }
          return null;
        });
  }

  @Override
  public List<SavedNode> loadNodes() throws IOException {
    try {
      return read(
          c -> {
            List<SavedNode> nodes = new ArrayList<>();
            try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT body FROM node_snapshot ORDER BY node_id")) {
              while (rs.next()) {
                try {
                  nodes.add(SavedNodeJson.decode(rs.getString(1)));
                } catch (IllegalArgumentException e) {
                  log.warn("skipping an unreadable saved node: {}", e.getMessage());
                }
              }
            }
            return nodes;
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Whether no node snapshot is stored yet (the legacy import then brings the old one in). */
  boolean hasNoNodes() throws IOException {
    return loadNodes().isEmpty();
  }

  // ---- retention ----

  /**
   * Deletes the events finished before {@code now} minus the retention, {@link #SWEEP_BATCH} rows
   * per writer turn, so appends that arrive meanwhile are committed between the batches.
   */
  @Override
  public void sweep(Instant now) {
    long cutoff = nanos(now.minus(retention));
    long deleted = 0;
    try {
      for (int n = SWEEP_BATCH; n == SWEEP_BATCH; ) {
        n = onWriter(() -> deleteBatch(cutoff));
        deleted += n;
      }
      count.set(countEvents());
      if (deleted > 0) {
        log.info("retention deleted {} events finished before {}", deleted, now.minus(retention));
      }
    } catch (IOException e) {
      log.warn("retention sweep failed after {} deletions: {}", deleted, e.toString());
    }
  }

  /** Deletes up to {@link #SWEEP_BATCH} expired events and takes them out of the summaries. */
  private int deleteBatch(long cutoff) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement find =
              c.prepareStatement(
                  "SELECT seq, finished_ns, body FROM rotation_event WHERE finished_ns < ?"
                      + " LIMIT ?");
          PreparedStatement delete =
              c.prepareStatement("DELETE FROM rotation_event WHERE seq = ?")) {
        find.setLong(1, cutoff);
        find.setInt(2, SWEEP_BATCH);
        List<String> bodies = new ArrayList<>();
        List<Long> finished = new ArrayList<>();
        try (ResultSet rs = find.executeQuery()) {
          while (rs.next()) {
            delete.setLong(1, rs.getLong(1));
            delete.addBatch();
            finished.add(rs.getLong(2));
            bodies.add(rs.getString(3));
          }
        }
        int[] deleted = delete.executeBatch();
        // Only what this transaction deleted: a coordinator sharing PostgreSQL may sweep too.
        List<RotationEvent> gone = new ArrayList<>();
        List<Long> goneAt = new ArrayList<>();
        for (int i = 0; i < deleted.length; i++) {
          if (deleted[i] == 1) {
            decode(bodies.get(i)).ifPresent(gone::add);
            goneAt.add(finished.get(i));
          }
        }
        RotationSummaries.subtract(c, gone, cutoff);
        if (dialect.keepsHourSlices()) {
          HourSlices.change(c, goneAt, -1);
        }
        c.commit();
        return bodies.size();
      } catch (SQLException | RuntimeException e) {
        discard(c);
        throw e;
      }
    }
  }

  // ---- legacy import ----

  /** Whether the legacy segment {@code name} was imported completely already. */
  boolean imported(String name) throws IOException {
    try {
      return read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("SELECT 1 FROM legacy_import WHERE segment = ?")) {
              s.setString(1, name);
              try (ResultSet rs = s.executeQuery()) {
                return rs.next();
              }
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Records that the legacy segment {@code name} is imported, once all its events are stored. */
  void markImported(String name) throws IOException {
    onWriter(
        () -> {
          try (Connection c = pool.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO legacy_import (segment) VALUES (?) ON CONFLICT DO NOTHING")) {
            s.setString(1, name);
            s.executeUpdate();
          }
          return null;
        });
  }

  // ---- plumbing ----

  /** Runs {@code work} on the writer thread and waits for it. */
  private <T> T onWriter(Callable<T> work) throws IOException {
    return onWriter(work, WAIT_MINUTES);
  }

  private <T> T onWriter(Callable<T> work, long minutes) throws IOException {
    Future<T> f;
    try {
      f = writer.submit(work);
    } catch (RejectedExecutionException e) {
      throw new IOException("the history store is closed");
    }
    try {
      return f.get(minutes, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException("the history database refused the write: " + cause, cause);
    } catch (TimeoutException e) {
      throw new IOException("the history database did not answer in " + minutes + " min");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the history database");
    }
  }

  private <T> T read(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new UncheckedIOException(
          new IOException("the history database cannot be read: " + e.getMessage(), e));
    }
  }

  /**
   * Rolls back a failed write and retires its connection. SQLite rolls back by itself on a full
   * disk, and xerial's driver then loses track: reused, the connection would run the next batch
   * without a transaction (each insert committed alone, the commit refused).
   */
  private void discard(Connection c) {
    rollbackQuietly(c);
    pool.evictConnection(c);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool discards it and the transaction is gone with it.
    }
  }

  /** Nanoseconds since the epoch, saturated, so a far-off cursor sorts past every event. */
  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("history writer did not finish in 30s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** What the unique index tells events apart by. */
  private record StoredKey(UUID eventId, Instant finishedAt) {
    static StoredKey of(RotationEvent e) {
      return new StoredKey(e.eventId(), e.finishedAt());
    }
  }

  /** An append waiting for the writer: the events, their encoded bodies, its completion. */
  private record Pending(
      List<RotationEvent> events,
      List<String> bodies,
      CompletableFuture<List<RotationEvent>> done) {}

  // ---- comparing histories (cluster catch-up) ----

  /**
   * Slices of whole hours from the hour slices on the embedded store ({@link HourSlices}: a row per
   * hour, whatever the history's size); any other slices, the part of an hour that {@code to} cuts,
   * and every slice on PostgreSQL (whose members compare no histories), by one range scan of the
   * time index (finished_ns, event_id), grouped: the same integer arithmetic on SQLite and
   * PostgreSQL, so two stores of the same events answer the same slices either way.
   */
  @Override
  public List<TimeSlice> slices(Instant from, Instant to, Duration width) {
    long start = nanos(from);
    long end = nanos(to);
    long step = width.toNanos();
    return read(
        c -> {
          List<TimeSlice> slices = new ArrayList<>();
          if (!dialect.keepsHourSlices()
              || step != HourSlices.HOUR_NANOS
              || start < 0
              || start % step != 0) {
            scanSlices(c, from, end, step, slices);
            return slices;
          }
          long wholeHours = end / step; // hours before this one end at or before {@code to}
          if (wholeHours > start / step) {
            HourSlices.read(c, start / step, wholeHours, slices);
          }
          long cut = Math.max(start, wholeHours * step);
          if (cut < end) {
            scanSlices(c, from.plusNanos(cut - start), end, step, slices);
          }
          return slices;
        });
  }

  private static void scanSlices(
      Connection c, Instant from, long end, long step, List<TimeSlice> into) throws SQLException {
    long start = nanos(from);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT (finished_ns - ?) / ? AS slice, COUNT(*), SUM(((finished_ns - ?) % ?)"
                + " / 1000) FROM rotation_event WHERE finished_ns >= ? AND finished_ns < ?"
                + " GROUP BY slice ORDER BY slice")) {
      s.setLong(1, start);
      s.setLong(2, step);
      s.setLong(3, start);
      s.setLong(4, step);
      s.setLong(5, start);
      s.setLong(6, end);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Instant sliceStart = from.plusNanos(Math.multiplyExact(rs.getLong(1), step));
          into.add(new TimeSlice(sliceStart, rs.getLong(2), rs.getLong(3)));
        }
      }
    }
  }

  /** The first page of a slice: the events of [from, to) oldest first. */
  static final String SLICE_PAGE =
      "SELECT body FROM rotation_event WHERE finished_ns >= ? AND finished_ns < ?"
          + " ORDER BY finished_ns, event_id LIMIT ?";

  /**
   * A later page: the cursor is the only lower bound, so that the time index is entered at the
   * cursor (with {@code finished_ns >= from} beside it SQLite enters at {@code from} and steps over
   * every earlier row of the slice, a page costing more the further it is into the slice).
   */
  static final String SLICE_PAGE_AFTER =
      "SELECT body FROM rotation_event WHERE (finished_ns, event_id) > (?, ?) AND finished_ns < ?"
          + " ORDER BY finished_ns, event_id LIMIT ?";

  @Override
  public List<RotationEvent> slicePage(Instant from, Instant to, Cursor after, int limit) {
    // A cursor before the slice reads it from its start.
    Cursor resume = after == null || after.finishedAt().isBefore(from) ? null : after;
    return read(
        c -> {
          List<RotationEvent> page = new ArrayList<>(Math.min(limit, 1024));
          try (PreparedStatement s =
              c.prepareStatement(resume == null ? SLICE_PAGE : SLICE_PAGE_AFTER)) {
            if (resume == null) {
              s.setLong(1, nanos(from));
              s.setLong(2, nanos(to));
              s.setInt(3, limit);
            } else {
              s.setLong(1, nanos(resume.finishedAt()));
              s.setString(2, resume.eventId().toString());
              s.setLong(3, nanos(to));
              s.setInt(4, limit);
            }
            readInto(s, page, limit);
          }
          return page;
        });
  }
}
