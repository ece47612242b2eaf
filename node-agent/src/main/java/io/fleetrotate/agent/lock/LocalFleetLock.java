package io.fleetrotate.agent.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Leases from {@code flock}-style file locks in one directory: for replicas on one host that share
 * a directory, and for tests. The OS releases a dead holder's lock at once, so no TTL is needed;
 * the lease stays valid until closed. Priority is not honoured (the OS does not queue waiters); the
 * network backends do.
 *
 * <p>Fencing tokens come from a counter file updated while the slot lock is held.
 */
public final class LocalFleetLock implements FleetLock {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Path dir;
  private final int maxConcurrent;

  public LocalFleetLock(Path dir, int maxConcurrent) throws IOException {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, not " + maxConcurrent);
    }
    this.dir = Files.createDirectories(dir);
    this.maxConcurrent = maxConcurrent;
  }

  @Override
  public Lease acquire(String group, double priority, Duration timeout)
      throws LockUnavailableException, LockTimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int slot = 0; slot < maxConcurrent; slot++) {
        Lease lease = tryAcquire(group, slot);
        if (lease != null) {
          return lease;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new LockTimeoutException(
            "no lease of group " + group + " within " + timeout + " (local locks in " + dir + ")");
      }
      TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
    }
  }

  private Lease tryAcquire(String group, int slot) throws LockUnavailableException {
    Path file = dir.resolve(group + "." + slot + ".lock");
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        return null;
      }
      long token = nextToken(group);
      return new LocalLease(group, token, channel);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new LockUnavailableException("cannot use lock file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Increments the group's counter under a lock on the counter file itself. */
  private long nextToken(String group) throws IOException {
    Path counter = dir.resolve(group + ".fence");
    try (FileChannel ch =
            FileChannel.open(
                counter,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      ByteBuffer buf = ByteBuffer.allocate(32);
      ch.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      long next = (text.isEmpty() ? 0 : Long.parseLong(text)) + 1;
      byte[] out = (next + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(out), 0);
      ch.force(false);
      return next;
    } catch (NumberFormatException e) {
      throw new IOException("fencing counter " + counter + " is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public String backendName() {
    return "local";
  }

  @Override
  public void close() {}

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock; nothing more can be done here.
      }
    }
  }

  private static final class LocalLease implements Lease {
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
      closeQuietly(channel);
    }
  }
}
