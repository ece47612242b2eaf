package io.fleetrotate.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Leases from {@code flock} file locks in one directory: for replicas on one host that share a
 * directory, and for tests. The OS releases a dead holder's lock at once, so a lease needs no TTL
 * and stays valid until closed.
 *
 * <p>Layout, per group: {@code <group>.<slot>.lock} for each of the {@code maxConcurrent} slots;
 * {@code <group>.fence}, the fencing counter, updated under its own lock; and {@code
 * <group>.queue/}, one file per waiter, named by its {@link QueueOrder} score so that a directory
 * listing is the queue. A waiter holds a lock on its own file while it waits, so a file whose lock
 * can be taken belongs to a dead waiter and is removed. Only the first waiters, as many as there
 * are free slots, may take a slot: the fullest disk is served first, then by arrival.
 */
public final class LocalFleetLock implements FleetLock {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /**
   * Bytes of a fencing counter file: 19 digits (any non-negative long) and a newline, the length of
   * the longest value the earlier variable-width format could hold.
   */
  static final int COUNTER_WIDTH = 20;

  private final Path dir;
  private final int maxConcurrent;
  private final QueueOrder order;
  private final Clock clock;
  private final Set<LocalLease> open = ConcurrentHashMap.newKeySet();
  private final Set<Path> ownWaiters = ConcurrentHashMap.newKeySet();
  private final AcquireLoop loop;
  private volatile boolean closed;

  public LocalFleetLock(Path dir, int maxConcurrent) throws IOException {
    this(
        dir,
        maxConcurrent,
        QueueOrder.defaults(),
        Clock.systemUTC(),
        new AcquireLoop(Ticker.SYSTEM));
  }

  /**
   * @param clock the wall clock that waiters' arrival times (their place in the queue) come from
   * @param loop the acquire loop, with its monotonic time source and outage budget
   */
  public LocalFleetLock(
      Path dir, int maxConcurrent, QueueOrder order, Clock clock, AcquireLoop loop)
      throws IOException {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, not " + maxConcurrent);
    }
    this.dir = Files.createDirectories(dir);
    this.maxConcurrent = maxConcurrent;
    this.order = order;
    this.clock = clock;
    this.loop = loop;
  }

  @Override
  public Lease acquire(String group, double priority, Duration timeout)
      throws LockUnavailableException, LockTimeoutException, InterruptedException {
    if (closed) {
      throw new LockClosedException(backendName());
    }
    Waiter me;
    try {
      me = enqueue(group, priority);
    } catch (IOException e) {
      throw unusable(e);
    }
    try {
      return loop.acquire(group, timeout, new Driver(group, me));
    } finally {
      me.leaveQuietly(); // served or not: out of the queue
    }
  }

  /** One acquire: asks by trying the slots, polls, and leaves by removing its queue file. */
  private final class Driver implements AcquireDriver {
    private final String group;
    private final Waiter me;

    Driver(String group, Waiter me) {
      this.group = group;
      this.me = me;
    }

    @Override
    public Answer ask(long answerWithinNanos) throws LockUnavailableException {
      if (closed) {
        throw new LockClosedException(backendName());
      }
      try {
        Lease lease = tryAcquire(group, me);
        return lease != null ? Answer.granted(lease) : Answer.waiting(POLL_NANOS);
      } catch (IOException e) {
        throw unusable(e);
      }
    }

    @Override
    public Lease await(long nanos) throws InterruptedException {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return null;
    }

    @Override
    public void leave() {
      // acquire() removes the queue file once the loop is done, served or not.
    }

    @Override
    public String describe() {
      return "local locks in " + dir;
    }
  }

  private LockUnavailableException unusable(IOException e) {
    return new LockUnavailableException(
        "cannot use the lock directory " + dir + ": " + e.getMessage(), e);
  }

  /** Writes this waiter's queue file and locks it for as long as it waits. */
  private Waiter enqueue(String group, double priority) throws IOException {
    Path queue = Files.createDirectories(dir.resolve(group + ".queue"));
    long score = order.score(clock.millis(), priority);
    // Offset so that negative scores (a boost bigger than the epoch) still sort as text.
    String name =
        String.format(
            "%020d-%d-%s", score + Long.MAX_VALUE / 2, loop.ticker().read(), UUID.randomUUID());
    Path file = queue.resolve(name);
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ownWaiters.add(file);
    try {
      ch.lock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      ownWaiters.remove(file);
      Files.deleteIfExists(file);
      throw e;
    }
    return new Waiter(file, ch);
  }

  /** How many live waiters are ahead of {@code me}; dead waiters' files are removed. */
  private int rank(Waiter me) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(me.file.getParent())) {
      ds.forEach(entries::add);
    }
    entries.sort(null);
    int ahead = 0;
    for (Path p : entries) {
      if (p.equals(me.file)) {
        return ahead;
      }
      if (ownWaiters.contains(p) || isLive(p)) {
        ahead++;
      }
    }
    return ahead;
  }

  /** A waiter file is live while its owner holds its lock; a dead owner's file is removed. */
  private static boolean isLive(Path waiterFile) throws IOException {
    try (FileChannel ch = FileChannel.open(waiterFile, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        return true;
      }
      if (lock == null) {
        return true;
      }
      Files.deleteIfExists(waiterFile);
      return false;
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  private Lease tryAcquire(String group, Waiter me) throws IOException {
    FileChannel mine = null;
    int free = 0;
    List<FileChannel> probes = new ArrayList<>();
    try {
      for (int slot = 0; slot < maxConcurrent; slot++) {
        FileChannel ch = lockSlot(group, slot);
        if (ch != null) {
          free++;
          if (mine == null) {
            mine = ch;
          } else {
            probes.add(ch);
          }
        }
      }
      if (mine == null || rank(me) >= free) {
        return null;
      }
      LocalLease lease = new LocalLease(group, nextToken(group), mine);
      open.add(lease);
      mine = null;
      return lease;
    } finally {
      closeQuietly(mine);
      probes.forEach(LocalFleetLock::closeQuietly);
    }
  }

  /** The slot's channel with its lock held, or null when someone else holds it. */
  private FileChannel lockSlot(String group, int slot) throws IOException {
    Path file = dir.resolve(group + "." + slot + ".lock");
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return channel;
      }
    } catch (OverlappingFileLockException heldInThisJvm) {
      // Another lease of this process holds the slot.
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    closeQuietly(channel);
    return null;
  }

  @Override
  public void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {
    try {
      updateCounter(group, current -> Math.max(current, atLeast));
    } catch (IOException e) {
      throw new LockUnavailableException(
          "cannot raise the fencing counter in " + dir + ": " + e.getMessage(), e);
    }
  }

  private long nextToken(String group) throws IOException {
    return updateCounter(group, current -> current + 1);
  }

  /**
   * Updates the group's counter under a lock on the counter file itself, and returns once the new
   * value is on disk.
   *
   * <p>The value is rewritten in place, not by a temporary file renamed over it: the lock is on the
   * counter file, and a rename would hand later callers another inode to lock than the one a
   * concurrent caller holds. Instead every value is written as one record of fixed width ({@link
   * #COUNTER_WIDTH} bytes, zero-padded, as long as the longest earlier format), by one positional
   * write at offset 0 with no truncation, then forced to disk before the token is handed out. So:
   *
   * <ul>
   *   <li>a process killed at any instant leaves either the old or the new value, never a partial
   *       file, nor an empty one once a value was written (a kill does not split a 20-byte write to
   *       a regular file: what the next process reads is what the page cache holds, the state
   *       before or after the write), so the counter never goes back ({@code LocalFenceCounterTest}
   *       reads every state the file passes through);
   *   <li>a token handed out is durable: a power loss afterwards cannot bring an older value back
   *       (the directory is forced too when the write made the file, whose name is new);
   *   <li>a power loss during the write could only tear it inside the file's first sector, which
   *       the disk writes whole; if it ever did, the next acquire fails with a {@link
   *       LockUnavailableException} naming the corrupt counter rather than counting from zero.
   * </ul>
   */
  private long updateCounter(String group, java.util.function.LongUnaryOperator update)
      throws IOException {
    Path counter = dir.resolve(group + ".fence");
    try (FileChannel ch =
            FileChannel.open(
                counter,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      ByteBuffer buf = ByteBuffer.allocate(COUNTER_WIDTH + 1);
      boolean made = ch.size() == 0;
      ch.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      long next = update.applyAsLong(text.isEmpty() ? 0 : Long.parseLong(text));
      ByteBuffer out =
          ByteBuffer.wrap(
              String.format(Locale.ROOT, "%0" + (COUNTER_WIDTH - 1) + "d\n", next)
                  .getBytes(StandardCharsets.US_ASCII));
      while (out.hasRemaining()) {
        ch.write(out, out.position());
      }
      ch.force(false);
      if (made) {
        try (FileChannel parent = FileChannel.open(dir, StandardOpenOption.READ)) {
          parent.force(true);
        }
      }
      return next;
    } catch (NumberFormatException e) {
      throw new IOException("fencing counter " + counter + " is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public String backendName() {
    return "local";
  }

  /** Releases every lease still open; {@link #acquire} then throws {@link LockClosedException}. */
  @Override
  public void close() {
    closed = true;
    for (LocalLease l : open) {
      l.close();
    }
  }

  /** For tests: what SIGKILL does to a holder — the OS drops its locks, nothing else runs. */
  void simulateCrash() {
    for (LocalLease l : open) {
      l.close();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock; nothing more can be done here.
      }
    }
  }

  private final class Waiter {
    final Path file;
    final FileChannel channel;

    Waiter(Path file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }

    /**
     * Removes the queue file and drops its lock. A file left behind (the delete failed) is removed
     * by the next waiter that finds it unlocked.
     */
    void leaveQuietly() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // See above.
      } finally {
        ownWaiters.remove(file);
        closeQuietly(channel);
      }
    }
  }

  private final class LocalLease implements Lease {
    private final String group;
    private final long token;
    private final FileChannel channel;

    LocalLease(String group, long token, FileChannel channel) {
      this.group = group;
      this.token = token;
      this.channel = channel;
    }

    @Override
    public String group() {
      return group;
    }

    @Override
    public long fencingToken() {
      return token;
    }

    @Override
    public void checkValid() throws LeaseLostException {
      if (!channel.isOpen()) {
        throw new LeaseLostException("the local lease of group " + group + " was released");
      }
    }

    @Override
    public void close() {
      open.remove(this);
      closeQuietly(channel);
    }
  }
}
