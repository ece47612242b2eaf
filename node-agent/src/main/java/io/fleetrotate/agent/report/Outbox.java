package io.fleetrotate.agent.report;

import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation events waiting for the coordinator's acknowledgement, one file per event under {@code
 * stateDir/outbox/}.
 *
 * <p>An event is written to a hidden temporary file, fsynced, renamed to its final name and the
 * directory fsynced before {@link #append} returns, so a {@code kill -9} or power loss after that
 * cannot lose it. Final names are a zero-padded sequence ({@code 00000000000000000042.json}):
 * lexical order is creation order. At the next start the sequence continues after the highest name
 * on disk (in the outbox or in {@code rejected/}) and the last sequence a clean stop saved in
 * {@code .sequence}, so names are not reused even once every event was acknowledged. A file is
 * deleted only once the coordinator has acknowledged its event ({@link #remove}); an event the
 * coordinator refuses as invalid, or a file that no longer decodes, is moved to {@code rejected/}
 * with a {@code .reason} file beside it, never deleted.
 *
 * <p>At {@link #open}, a leftover temporary file (the agent stopped mid-write, before the event was
 * handed over) is kept if it holds a whole valid event and deleted otherwise. The outbox is never
 * bounded by dropping: past {@code warnAbove} pending events it logs an error and keeps writing.
 * When the disk refuses a write, {@link #record} holds the event in memory, in order, and {@link
 * #retryUnwritten} writes it later. {@link #record} is idempotent by event id: an event already
 * pending (on disk or in memory) is not added twice, so whoever kept an event elsewhere until the
 * outbox took it (a rotation's journal) may hand it over again.
 *
 * <p>One process owns an outbox at a time (a file lock); within it, one thread appends and one
 * thread sends.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  static final String REJECTED = "rejected";
  private static final String SEQUENCE = ".sequence";
  private static final Pattern EVENT_FILE = Pattern.compile("(\\d{20})\\.json");
  private static final Pattern TEMP_FILE = Pattern.compile("\\.(\\d{20})\\.json\\.tmp");

  /** One pending event and its place in the outbox. */
  record Entry(long sequence, RotationEvent event) {}

  private final Path dir;
  private final Path rejectedDir;
  private final WireCodec codec;
  private final Durable durable;
  private final int warnAbove;
  // Held while open; its channel is the one opened on .lock.
  private final FileLock lock;
  private final NavigableSet<Long> pending = new ConcurrentSkipListSet<>();
  // The skip list's size() walks every entry; this counts them instead.
  private final AtomicInteger pendingOnDisk = new AtomicInteger();
  // The ids of the events pending on disk, by sequence: record() adds none twice.
  private final Map<Long, UUID> idOnDisk = new ConcurrentHashMap<>();
  private final Set<UUID> idsOnDisk = ConcurrentHashMap.newKeySet();
  private final Deque<RotationEvent> unwritten = new ArrayDeque<>();
  private long nextSequence;
  private long warnedAt;
  private boolean writeFailing;
  private volatile int unwrittenCount;

  private Outbox(Path dir, WireCodec codec, Durable durable, int warnAbove, FileLock lock) {
    this.dir = dir;
    this.rejectedDir = dir.resolve(REJECTED);
    this.codec = codec;
    this.durable = durable;
    this.warnAbove = warnAbove;
    this.lock = lock;
  }

  /** Opens (creating if needed) the outbox in {@code dir}, recovering what a crash left. */
  static Outbox open(Path dir, WireCodec codec, int warnAbove) throws IOException {
    return open(dir, codec, Durable.SYSTEM, warnAbove);
  }

  static Outbox open(Path dir, WireCodec codec, Durable durable, int warnAbove) throws IOException {
    Files.createDirectories(dir.resolve(REJECTED));
    FileChannel lockChannel =
        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException(
          "another fleetrotate agent is using the outbox "
              + dir
              + "; give each agent its own stateDir");
    }
    Outbox outbox = new Outbox(dir, codec, durable, warnAbove, lock);
    try {
      outbox.recover();
    } catch (IOException | RuntimeException e) {
      outbox.close();
      throw e;
    }
    return outbox;
  }

  private void recover() throws IOException {
    long highest = 0;
    boolean changed = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        Matcher event = EVENT_FILE.matcher(name);
        Matcher temp = TEMP_FILE.matcher(name);
        if (event.matches()) {
          long seq = Long.parseLong(event.group(1));
          track(seq, idIn(file));
          highest = Math.max(highest, seq);
        } else if (temp.matches()) {
          long seq = Long.parseLong(temp.group(1));
          changed = true;
          try {
            if (salvage(file, seq)) {
              track(seq, idIn(fileOf(seq)));
              highest = Math.max(highest, seq);
            }
          } catch (IOException e) {
            // Left as it is: a temporary file never blocks the outbox, and a later start retries.
            log.warn("cannot recover the outbox file {}: {}", file, e.getMessage());
          }
        }
      }
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(rejectedDir)) {
      for (Path file : files) {
        Matcher event = EVENT_FILE.matcher(file.getFileName().toString());
        if (event.matches()) {
          highest = Math.max(highest, Long.parseLong(event.group(1)));
        }
      }
    }
    if (changed) {
      durable.fsyncDirectory(dir);
    }
    nextSequence = Math.max(highest, savedSequence()) + 1;
    if (!pending.isEmpty()) {
      log.info(
          "{} rotation events from an earlier run wait in the outbox {}", pendingOnDisk.get(), dir);
    }
  }

  /** The id of the event in {@code file}; null when it does not decode (peek rejects it). */
  private UUID idIn(Path file) {
    try {
      return codec.decodeEvent(Files.readAllBytes(file)).eventId();
    } catch (IOException | WireFormatException e) {
      return null;
    }
  }

  /** The last sequence used, as a clean stop saved it; 0 if none or unreadable. */
  private long savedSequence() {
    try {
      return Long.parseLong(Files.readString(dir.resolve(SEQUENCE)).strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * A temporary file is what a write interrupted before its rename left. If it holds a whole valid
   * event, the write had finished and only the rename was missing: finish it. Otherwise the event
   * was never handed over (the rotation's listener had not returned), so nothing acknowledged is
   * lost by deleting it.
   */
  private boolean salvage(Path temp, long seq) throws IOException {
    Path target = fileOf(seq);
    try {
      codec.decodeEvent(Files.readAllBytes(temp));
    } catch (WireFormatException e) {
      log.warn(
          "deleted the torn outbox file {} that an interrupted write left ({})",
          temp,
          e.getMessage());
      Files.delete(temp);
      return false;
    }
    if (Files.exists(target)) {
      Files.delete(temp);
      return false;
    }
    durable.fsyncExisting(temp);
    Durable.moveAtomically(temp, target);
    log.info("kept the whole event in {} that an interrupted write left", temp);
    return true;
  }

  /**
   * Writes {@code event} durably as the newest pending event.
   *
   * @throws IOException the disk refused the write; nothing was added
   */
  synchronized Entry append(RotationEvent event) throws IOException {
    long seq = nextSequence;
    byte[] json = codec.encode(event);
    Path temp = dir.resolve("." + name(seq) + ".tmp");
    Path target = fileOf(seq);
    try {
      durable.writeSynced(temp, json);
      Durable.moveAtomically(temp, target);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    nextSequence = seq + 1;
    track(seq, event.eventId());
    try {
      // The rename is in the directory; a crash before this fsync could undo it.
      durable.fsyncDirectory(dir);
    } catch (IOException e) {
      // The event is in place and will be sent; writing it again would only duplicate it.
      log.error("cannot fsync the outbox directory {}: {}", dir, e.getMessage());
    }
    warnIfLarge();
    return new Entry(seq, event);
  }

  /**
   * Writes {@code event} like {@link #append}, but never throws: when the disk refuses, the event
   * is held in memory after any earlier unwritten ones, and {@link #retryUnwritten} writes them in
   * order. An event whose id is already pending is not added again. Returns true if the event is on
   * disk.
   */
  synchronized boolean record(RotationEvent event) {
    UUID id = event.eventId();
    if (idsOnDisk.contains(id)) {
      return true;
    }
    if (unwritten.stream().noneMatch(e -> e.eventId().equals(id))) {
      unwritten.addLast(event);
      unwrittenCount = unwritten.size();
    }
    retryUnwritten();
    return idsOnDisk.contains(id);
  }

  /** Writes the events {@link #record} could not; true if none is left in memory. */
  synchronized boolean retryUnwritten() {
    while (!unwritten.isEmpty()) {
      try {
        append(unwritten.peekFirst());
      } catch (IOException e) {
        if (!writeFailing) {
          writeFailing = true;
          log.error(
              "cannot write a rotation event to the outbox {} ({}); holding it in memory and"
                  + " retrying; the journal of a finished rotation keeps its event across a stop"
                  + " until then",
              dir,
              e.getMessage());
        }
        return false;
      } catch (RuntimeException e) {
        // An event the codec refuses to encode can never be written; do not let it block the rest.
        log.error("cannot encode a rotation event, dropping it: {}", unwritten.peekFirst(), e);
      }
      unwritten.removeFirst();
      unwrittenCount = unwritten.size();
    }
    if (writeFailing) {
      writeFailing = false;
      log.info("wrote the rotation events held in memory to the outbox {}", dir);
    }
    return true;
  }

  private void warnIfLarge() {
    int n = pendingOnDisk.get();
    if (n <= warnAbove) {
      warnedAt = 0;
      return;
    }
    long step = Math.max(1, warnAbove / 10);
    if (warnedAt == 0 || n >= warnedAt + step) {
      warnedAt = n;
      log.error(
          "{} rotation events wait in the outbox {}, more than {}: the coordinator has not"
              + " acknowledged events for a long time; they are all kept and will be sent when it"
              + " does",
          n,
          dir,
          warnAbove);
    }
  }

  /**
   * The oldest pending events, at most {@code max}, in creation order. A file that no longer
   * decodes is moved to {@code rejected/} and skipped.
   */
  List<Entry> peek(int max) throws IOException {
    List<Entry> batch = new ArrayList<>();
    Iterator<Long> it = pending.iterator();
    while (it.hasNext() && batch.size() < max) {
      long seq = it.next();
      Path file = fileOf(seq);
      byte[] json;
      try {
        json = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        log.warn("the outbox file {} disappeared before it was sent", file);
        untrack(seq);
        continue;
      }
      try {
        batch.add(new Entry(seq, codec.decodeEvent(json)));
      } catch (WireFormatException e) {
        reject(seq, "the file no longer holds a valid event: " + e.getMessage());
      }
    }
    return batch;
  }

  private void track(long seq, UUID id) {
    if (id != null) {
      idOnDisk.put(seq, id);
      idsOnDisk.add(id);
    }
    if (pending.add(seq)) {
      pendingOnDisk.incrementAndGet();
    }
  }

  private void untrack(long seq) {
    UUID id = idOnDisk.remove(seq);
    if (id != null) {
      idsOnDisk.remove(id);
    }
    if (pending.remove(seq)) {
      pendingOnDisk.decrementAndGet();
    }
  }

  /** Deletes acknowledged events. */
  void remove(Collection<Entry> acknowledged) throws IOException {
    if (acknowledged.isEmpty()) {
      return;
    }
    IOException failure = null;
    for (Entry e : acknowledged) {
      untrack(e.sequence());
      try {
        Files.deleteIfExists(fileOf(e.sequence()));
      } catch (IOException ex) {
        // It stays on disk: sent again after a restart, and the coordinator deduplicates it.
        failure = ex;
      }
    }
    durable.fsyncDirectory(dir);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Moves an event the coordinator refused as invalid to {@code rejected/}, with {@code why} in a
   * {@code .reason} file beside it, so that it no longer blocks the others and is not lost.
   */
  void reject(Entry entry, String why) throws IOException {
    reject(entry.sequence(), why);
  }

  private void reject(long seq, String why) throws IOException {
    Path from = fileOf(seq);
    Path to = rejectedDir.resolve(name(seq));
    Files.writeString(rejectedDir.resolve(name(seq) + ".reason"), why + "\n");
    durable.rename(from, to);
    untrack(seq);
    log.error("moved the rotation event in {} to {}: {}", from, to, why);
  }

  /** Pending events: on disk, plus any held in memory because the disk refused them. */
  int pendingCount() {
    return pendingOnDisk.get() + unwrittenCount;
  }

  Path directory() {
    return dir;
  }

  Path fileOf(long seq) {
    return dir.resolve(name(seq));
  }

  private static String name(long seq) {
    return String.format(Locale.ROOT, "%020d.json", seq);
  }

  /**
   * Counts the events waiting in the outbox {@code dir} and those in its {@code rejected/}, without
   * opening it: for {@code status}, while a daemon may own it.
   */
  public static Depth depth(Path dir) throws IOException {
    return new Depth(count(dir), count(dir.resolve(REJECTED)));
  }

  /**
   * @param pending events waiting to be sent
   * @param rejected events the coordinator refused, kept in {@code rejected/}
   */
  public record Depth(int pending, int rejected) {}

  private static int count(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (EVENT_FILE.matcher(f.getFileName().toString()).matches()) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    try {
      synchronized (this) {
        // Not fsynced: after a crash the highest name on disk keeps the order all the same.
        Files.writeString(dir.resolve(SEQUENCE), (nextSequence - 1) + "\n");
      }
    } catch (IOException e) {
      log.debug("cannot save the outbox sequence: {}", e.getMessage());
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      lock.channel().close();
    }
    synchronized (this) {
      if (!unwritten.isEmpty()) {
        log.error(
            "{} rotation events could not be written to the outbox {}; those of finished"
                + " rotations stay in their journals and are written at the next start, the others"
                + " are lost",
            unwritten.size(),
            dir);
      }
    }
  }

  @Override
  public String toString() {
    return "Outbox[" + dir + ", " + pendingCount() + " pending]";
  }
}
