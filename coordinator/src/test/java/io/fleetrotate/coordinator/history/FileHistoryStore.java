package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history store of versions before {@link SqlHistoryStore}, kept in the tests to write the
 * stores that {@link LegacyFileImport} brings in. Unchanged but for {@link #matches}, {@link
 * #restoredRotations} and the catch-up methods it does not have.
 *
 * <p>Rotation history as append-only JSON-lines segments, one per day of arrival ({@code
 * events/2026-11-21.jsonl}, each line the event's wire JSON), plus {@code nodes.json}, the node
 * snapshot. Every held event is also indexed in memory, newest finished first, with a set of ids
 * for deduplication.
 *
 * <p>One writer thread appends: appends that queue up while it fsyncs are written together and
 * share the next fsync (group commit), so throughput does not stop at one fsync per request. A line
 * is acknowledged only after its fsync; a torn last line left by a crash was never acknowledged and
 * is cut off at the next start.
 */
public final class FileHistoryStore implements HistoryStore {
  private static final Logger log = LoggerFactory.getLogger(FileHistoryStore.class);
  private static final String SUFFIX = ".jsonl";

  private final Path dir;
  private final Path eventsDir;
  private final Duration retention;
  private final Clock clock;
  private final WireCodec codec = new WireCodec();
  private final ConcurrentSkipListMap<Key, RotationEvent> index = new ConcurrentSkipListMap<>();
  // index.size() walks the whole map; this counts its entries as they come and go.
  private final AtomicLong held = new AtomicLong();
  private final Set<UUID> ids = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fleetrotate-history-writer");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, String> strings = new ConcurrentHashMap<>();

  // Only touched on the writer thread.
  private FileChannel segment;
  private LocalDate segmentDay;

  private FileHistoryStore(Path dir, Duration retention, Clock clock) {
    this.dir = dir;
    this.eventsDir = dir.resolve("events");
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the store in {@code dir} and loads the events within retention.
   *
   * @throws IOException if the directory cannot be created or read
   */
  public static FileHistoryStore open(Path dir, Duration retention, Clock clock)
      throws IOException {
    FileHistoryStore store = new FileHistoryStore(dir, retention, clock);
    Files.createDirectories(store.eventsDir);
    store.load();
    return store;
  }

  private void load() throws IOException {
    Instant cutoff = clock.instant().minus(retention);
    int lines = 0;
    int bad = 0;
    for (Path file : segments()) {
      cutTornTail(file);
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          lines++;
          try {
            RotationEvent e = codec.decodeEvent(line);
            if (!e.finishedAt().isBefore(cutoff) && ids.add(e.eventId())) {
              e = shared(e);
              hold(e);
            }
          } catch (WireFormatException e) {
            bad++;
            log.warn("skipping unreadable line {}:{}: {}", file, lineNo, e.getMessage());
          }
        }
      }
    }
    log.info(
        "history loaded from {}: {} events within retention ({} lines read, {} unreadable)",
        eventsDir,
        held.get(),
        lines,
        bad);
  }

  /** A crash mid-append can leave a last line without its newline; it was never acknowledged. */
  private static void cutTornTail(Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        ch.read(one, end - 1);
        if (one.get(0) == '\n') {
          break;
        }
        end--;
      }
      if (end < size) {
        log.warn("cutting {} bytes of an unfinished last line from {}", size - end, file);
        ch.truncate(end);
        ch.force(true);
      }
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(eventsDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }

  // ---- appends ----

  @Override
  public CompletableFuture<List<RotationEvent>> append(List<RotationEvent> events) {
    Pending pending = new Pending(List.copyOf(events), new CompletableFuture<>());
    queue.add(pending);
    try {
      writer.execute(this::drain);
    } catch (java.util.concurrent.RejectedExecutionException e) {
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
    Set<UUID> inBatch = new HashSet<>();
    List<List<RotationEvent>> fresh = new ArrayList<>(batch.size());
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (Pending p : batch) {
      List<RotationEvent> mine = new ArrayList<>();
      for (RotationEvent e : p.events()) {
        if (!ids.contains(e.eventId()) && inBatch.add(e.eventId())) {
          mine.add(e);
          lines.writeBytes(codec.encode(e));
          lines.write('\n');
        }
      }
      fresh.add(mine);
    }
    if (lines.size() > 0) {
      try {
        write(ByteBuffer.wrap(lines.toByteArray()));
      } catch (IOException | RuntimeException e) {
        log.error("could not store rotation events: {}", e.toString());
        IOException failure = e instanceof IOException io ? io : new IOException(e);
        batch.forEach(p -> p.done().completeExceptionally(failure));
        return;
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      List<RotationEvent> mine = fresh.get(i);
      for (int j = 0; j < mine.size(); j++) {
        RotationEvent e = shared(mine.get(j));
        mine.set(j, e);
        hold(e);
        ids.add(e.eventId());
      }
      batch.get(i).done().complete(mine);
    }
  }

  /** Appends and fsyncs; on failure cuts the segment back so no partial line stays. */
  private void write(ByteBuffer bytes) throws IOException {
    FileChannel ch = segmentForToday();
    long start = ch.size();
    try {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(false);
    } catch (IOException e) {
      try {
        ch.truncate(start);
      } catch (IOException ignored) {
        // The torn tail is cut at the next start instead.
      }
      throw e;
    }
  }

  private FileChannel segmentForToday() throws IOException {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    if (segment == null || !today.equals(segmentDay)) {
      if (segment != null) {
        segment.close();
      }
      Path file = eventsDir.resolve(today + SUFFIX);
      boolean created = !Files.exists(file);
      segment =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      segmentDay = today;
      if (created) {
        fsyncDirectory(eventsDir);
      }
    }
    return segment;
  }

  /** Shares the strings every event repeats (node, group, path, codec, backend). */
  private RotationEvent shared(RotationEvent e) {
    return new RotationEvent(
        share(e.protocolVersion()),
        e.eventId(),
        share(e.nodeId()),
        share(e.group()),
        share(e.path()),
        e.trigger(),
        e.startedAt(),
        e.finishedAt(),
        e.result(),
        e.reason(),
        e.message(),
        e.bytesBefore(),
        e.bytesAfter(),
        share(e.codec()),
        share(e.lockBackend()),
        e.lockWaitMs(),
        e.fencingToken());
  }

  private String share(String s) {
    if (strings.size() > 500_000) {
      return s;
    }
    String prior = strings.putIfAbsent(s, s);
    return prior == null ? s : prior;
  }

  // ---- reads ----

  @Override
  public boolean contains(RotationEvent event) {
    return ids.contains(event.eventId());
  }

  @Override
  public long size() {
    return held.get();
  }

  private void hold(RotationEvent e) {
    if (index.put(Key.of(e), e) == null) {
      held.incrementAndGet();
    }
  }

  @Override
  public RotationPage query(RotationQuery q) {
    Map<Key, RotationEvent> from =
        q.after() == null
            ? index
            : index.tailMap(new Key(q.after().finishedAt(), q.after().eventId()), false);
    List<RotationEvent> items = new ArrayList<>(Math.min(q.limit(), 1024));
    Iterator<RotationEvent> it = from.values().iterator();
    boolean more = false;
    while (it.hasNext()) {
      RotationEvent e = it.next();
      if (q.since() != null && e.finishedAt().isBefore(q.since())) {
        break;
      }
      if (!matches(q, e)) {
        continue;
      }
      if (items.size() == q.limit()) {
        more = true;
        break;
      }
      items.add(e);
    }
    Optional<Cursor> next =
        more && !items.isEmpty()
            ? Optional.of(Cursor.of(items.get(items.size() - 1)))
            : Optional.empty();
    return new RotationPage(items, next);
  }

  private static boolean matches(RotationQuery q, RotationEvent e) {
    return (q.node() == null || q.node().equals(e.nodeId()))
        && (q.group() == null || q.group().equals(e.group()))
        && (q.path() == null || q.path().equals(e.path()))
        && (q.result() == null || q.result() == e.result())
        && (q.since() == null || !e.finishedAt().isBefore(q.since()));
  }

  /** Not kept: versions before {@link SqlHistoryStore} counted the history back at each start. */
  @Override
  public RestoredRotations restoredRotations(Instant now) {
    throw new UnsupportedOperationException("the legacy file store keeps no summaries");
  }

  @Override
  public void forEachSince(Instant since, Consumer<RotationEvent> action) {
    for (RotationEvent e : index.values()) {
      if (e.finishedAt().isBefore(since)) {
        return;
      }
      action.accept(e);
    }
  }

  // ---- node snapshot ----

  @Override
  public void saveNodes(List<SavedNode> nodes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(nodes.size() * 512 + 16);
    for (SavedNode n : nodes) {
      out.writeBytes(SavedNodeJson.encode(n).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    Path tmp = dir.resolve("nodes.json.tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(
        tmp,
        dir.resolve("nodes.json"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(dir);
  }

  @Override
  public List<SavedNode> loadNodes() throws IOException {
    Path file = dir.resolve("nodes.json");
    List<SavedNode> nodes = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return nodes;
    }
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        nodes.add(SavedNodeJson.decode(line));
      } catch (IllegalArgumentException e) {
        log.warn("skipping an unreadable node in {}: {}", file, e.getMessage());
      }
    }
    return nodes;
  }

  // ---- retention ----

  @Override
  public void sweep(Instant now) {
    try {
      writer.submit(() -> sweepNow(now)).get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.warn("retention sweep failed: {}", e.toString());
    }
  }

  private void sweepNow(Instant now) {
    Instant cutoff = now.minus(retention);
    // The last day whose whole segment is older than the cutoff.
    LocalDate lastExpired = LocalDate.ofInstant(cutoff, ZoneOffset.UTC).minusDays(1);
    try {
      for (Path file : segments()) {
        String name = file.getFileName().toString();
        LocalDate day;
        try {
          day = LocalDate.parse(name.substring(0, name.length() - SUFFIX.length()));
        } catch (RuntimeException e) {
          continue;
        }
        if (!day.isAfter(lastExpired) && !day.equals(segmentDay)) {
          Files.deleteIfExists(file);
          log.info("deleted history segment {} (older than {})", file, cutoff);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var old = index.tailMap(new Key(cutoff, new UUID(Long.MAX_VALUE, Long.MAX_VALUE)), true);
    for (Iterator<Map.Entry<Key, RotationEvent>> it = old.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, RotationEvent> e = it.next();
      if (e.getKey().finishedAt().isBefore(cutoff)) {
        ids.remove(e.getKey().eventId());
        it.remove();
        held.decrementAndGet();
      }
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
    if (segment != null) {
      try {
        segment.close();
      } catch (IOException e) {
        log.warn("closing the history segment: {}", e.toString());
      }
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private record Pending(List<RotationEvent> events, CompletableFuture<List<RotationEvent>> done) {}

  /** Index order: newest finished first, ties by event id (descending), so pages are stable. */
  record Key(Instant finishedAt, UUID eventId) implements Comparable<Key> {
    static Key of(RotationEvent e) {
      return new Key(e.finishedAt(), e.eventId());
    }

    @Override
    public int compareTo(Key o) {
      int c = o.finishedAt.compareTo(finishedAt);
      return c != 0 ? c : o.eventId.compareTo(eventId);
    }
  }

  /** Not in the versions this class stands for: they replicated history through Hazelcast. */
  @Override
  public List<TimeSlice> slices(Instant from, Instant to, Duration width) {
    throw new UnsupportedOperationException("the legacy store has no catch-up");
  }

  @Override
  public List<RotationEvent> slicePage(Instant from, Instant to, Cursor after, int limit) {
    throw new UnsupportedOperationException("the legacy store has no catch-up");
  }
}
