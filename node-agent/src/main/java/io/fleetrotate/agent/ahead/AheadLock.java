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
 * a partial being handed over. The writer holds it for one frame at a time and skips when busy.
 */
public final class AheadLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock fileLock;

  private AheadLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
    this.local = local;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Waits for the lock of the agent whose state directory is {@code stateDir}. */
  public static AheadLock acquire(Path stateDir) throws IOException {
    return take(stateDir, true).orElseThrow();
  }

  /** The lock if nobody holds it now. */
  public static Optional<AheadLock> tryAcquire(Path stateDir) throws IOException {
    return take(stateDir, false);
  }

  private static Optional<AheadLock> take(Path stateDir, boolean wait) throws IOException {
    Path file = stateDir.toAbsolutePath().normalize().resolve("compress-ahead.lock");
    ReentrantLock local = IN_JVM.computeIfAbsent(file, f -> new ReentrantLock());
    if (wait) {
      local.lock();
    } else if (!local.tryLock()) {
      return Optional.empty();
    }
    if (local.getHoldCount() > 1) {
      return Optional.of(new AheadLock(local, null, null)); // the file lock is held further out
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
      return Optional.of(new AheadLock(local, channel, held));
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (fileLock != null) {
        fileLock.release();
        channel.close();
      }
    } finally {
      local.unlock();
    }
  }
}
