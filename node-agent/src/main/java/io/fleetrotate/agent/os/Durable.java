package io.fleetrotate.agent.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way the agent makes a file durable: write a temporary file, fsync it, rename it into
 * place atomically, fsync the directory. The journal, the fence, the outbox, the agent's state
 * files, the movers and the compressor all go through it, so every fsync passes {@link Fsync}: the
 * one seam where a test observes them (order, what they cover) or makes them fail.
 *
 * <p>Blocking: call it on a worker thread.
 */
public final class Durable {

  /** Something written that an fsync makes durable: a channel's or a descriptor's {@code force}. */
  @FunctionalInterface
  public interface Syncable {
    void sync() throws IOException;
  }

  /**
   * How writes reach the disk: the one fsync seam. Production uses {@link #SYSTEM}; a test passes
   * its own to watch the fsyncs (when, and what each covers) or to fail them.
   */
  @FunctionalInterface
  public interface Fsync {
    Fsync SYSTEM = (name, file) -> file.sync();

    /** Makes the bytes written to {@code name} through {@code file} durable. */
    void file(Path name, Syncable file) throws IOException;

    /** Makes a directory's entries (creations, renames, deletions) durable. */
    default void directory(Path dir) throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }

  /** Real fsyncs. */
  public static final Durable SYSTEM = new Durable(Fsync.SYSTEM);

  private final Fsync fsync;

  /**
   * Durable writes whose fsyncs go through {@code fsync} (tests); production uses {@link #SYSTEM}.
   */
  public Durable(Fsync fsync) {
    this.fsync = fsync;
  }

  /** Makes what was written to {@code name} through {@code file} durable. */
  public void fsync(Path name, Syncable file) throws IOException {
    fsync.file(name, file);
  }

  /** Makes a directory's entries (creations, renames, deletions) durable. */
  public void fsyncDirectory(Path dir) throws IOException {
    fsync.directory(dir);
  }

  /** Writes {@code bytes} as the whole content of {@code file} (created or truncated), fsynced. */
  public void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      fsync(file, () -> ch.force(true));
    }
  }

  /** Fsyncs the bytes already in {@code file}. */
  public void fsyncExisting(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      fsync(file, () -> ch.force(true));
    }
  }

  /**
   * Renames {@code from} to {@code to} in one step, replacing {@code to}, without an fsync: for a
   * caller that fsyncs the directory itself, later. Both must be on one filesystem.
   */
  public static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot rename "
              + from
              + " to "
              + to
              + " atomically; both must be on one filesystem (a backup directory on the log's)",
          e);
    }
  }

  /** {@link #moveAtomically}, then fsync of the target directory (and the source's, if other). */
  public void rename(Path from, Path to) throws IOException {
    moveAtomically(from, to);
    fsyncDirectory(to.getParent());
    if (!from.getParent().equals(to.getParent())) {
      fsyncDirectory(from.getParent());
    }
  }

  /**
   * Replaces {@code target} with {@code bytes} so that a crash leaves the old content or the new,
   * never a mix or nothing: a temporary file of its own beside it (two processes may replace the
   * same file at once), fsynced, renamed over it, the directory fsynced.
   */
  public void replace(Path target, byte[] bytes) throws IOException {
    replace(target, bytes, true);
  }

  /**
   * As {@link #replace}, without the fsyncs: for a cache that is rewritten every few seconds or
   * minutes and whose loss in a crash costs nothing, where an fsync could stall its caller behind a
   * rotation's writes. Readers must take an empty or unreadable file for a missing one.
   */
  public void replaceCache(Path target, byte[] bytes) throws IOException {
    replace(target, bytes, false);
  }

  private void replace(Path target, byte[] bytes, boolean durably) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      if (durably) {
        writeSynced(tmp, bytes);
        rename(tmp, target);
      } else {
        Files.write(tmp, bytes);
        moveAtomically(tmp, target);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
