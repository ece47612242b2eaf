package io.fleetrotate.agent.ahead;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the background compress-ahead writer and a rotation apart, within one JVM and across
 * processes (a {@code rotate} command beside the daemon): a rotation holds it from before the move
 * until its backup is compressed, so the writer never sees the log half moved and never appends to
 * a partial being handed over. The writer holds it for one span at a time and skips when busy.
 */
public final class AheadLock implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AheadLock.class);
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;

  private AheadLock(ReentrantLock local, FileChannel channel) {
    this.local = local;
    this.channel = channel;
  }

  /**
   * Waits for the lock of the agent whose state directory is {@code stateDir}. When its file cannot
   * be locked (an unwritable state directory, which the journal reports anyway), only this JVM's
   * writer is kept away, and the partial's checks still stand between a race and a backup.
   */
  public static AheadLock acquire(Path stateDir) {
    try {
      return take(stateDir, true).orElseThrow();
    } catch (IOException e) {
      log.warn("cannot lock {} for compress-ahead: {}", stateDir, e.toString());
      ReentrantLock local = local(stateDir);
      local.lock();
      return new AheadLock(local, null);
    }
  }

  /** The lock if nobody holds it now. */
  public static Optional<AheadLock> tryAcquire(Path stateDir) throws IOException {
    return take(stateDir, false);
  }

  private static Path lockFile(Path stateDir) {
    return stateDir.toAbsolutePath().normalize().resolve("compress-ahead.lock");
  }

  private static ReentrantLock local(Path stateDir) {
    return IN_JVM.computeIfAbsent(lockFile(stateDir), f -> new ReentrantLock());
  }

  private static Optional<AheadLock> take(Path stateDir, boolean wait) throws IOException {
    Path file = lockFile(stateDir);
    ReentrantLock local = local(stateDir);
    if (wait) {
      local.lock();
    } else if (!local.tryLock()) {
      return Optional.empty();
    }
    if (local.getHoldCount() > 1) {
      return Optional.of(new AheadLock(local, null)); // the file lock is held further out
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(stateDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      FileLock held = wait ? channel.lock() : channel.tryLock();
      if (held == null) {
        channel.close();
        local.unlock();
        return Optional.empty();
      }
      return Optional.of(new AheadLock(local, channel));
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      throw e;
    }
  }

  /** Releases the lock; never throws (closing the channel releases the file lock anyway). */
  @Override
  public void close() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      log.debug("closing the compress-ahead lock failed: {}", e.toString());
    } finally {
      local.unlock();
    }
  }
}
