package io.fleetrotate.agent.rotate.live;

import io.fleetrotate.agent.os.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a live log aside while its writer keeps appending, for servers that cannot reopen their
 * log: by copy and truncate, or by copy and collapse. See the package documentation for what each
 * guarantees.
 *
 * <p>In both, the backup is created (never overwritten) and fsynced before the live file changes.
 * When something fails before the live file changes, the partial backup is deleted and the live
 * file is as it was; once the live file may have changed, the backup is always kept.
 *
 * <p>The log directory may be writable by a less trusted user, so both files are held by {@link
 * FileHandle}: the live file is opened once without following a symbolic link and checked on its
 * descriptor, the backup is created {@code O_EXCL|O_NOFOLLOW}, and every copy, truncate and
 * collapse goes through those descriptors. Swapping either name afterwards changes nothing here.
 */
public final class LiveFileMover {

  private static final Logger log = LoggerFactory.getLogger(LiveFileMover.class);

  // Catch-up copies of a growing file: a pass copying less than this has reached the tail.
  private static final long CAUGHT_UP_BYTES = 64 * 1024;
  private static final int MAX_CATCH_UP_PASSES = 16;
  // Final copy+fsync passes before the truncate, while the writer still appends during the fsync.
  static final int MAX_FINAL_PASSES = 3;
  // How far past a collapse cut the rest of the cut line is looked for.
  private static final int MAX_LINE_COMPLETION = 64 * 1024;

  private final Durable durable;

  public LiveFileMover() {
    this(Durable.SYSTEM);
  }

  /**
   * @param durable fsyncs the backup (a test may watch when, and what each covers)
   */
  LiveFileMover(Durable durable) {
    this.durable = durable;
  }

  /**
   * Runs once the backup holds a durable copy and before the live file is first cut: the rotation
   * journal records that point here. Throwing aborts the move; the live file is then untouched.
   */
  @FunctionalInterface
  public interface BeforeCut {
    BeforeCut NONE = bytesCopied -> {};

    void run(long bytesCopied) throws IOException;
  }

  /** Moves {@code live} aside to {@code backup} by the given method. */
  public MoveResult move(Path live, Path backup, LiveMoveMethod method) throws IOException {
    return move(live, backup, method, BeforeCut.NONE);
  }

  /** Moves {@code live} aside, calling {@code beforeCut} between the durable copy and the cut. */
  public MoveResult move(Path live, Path backup, LiveMoveMethod method, BeforeCut beforeCut)
      throws IOException {
    try (FileHandle handle = FileHandle.openExisting(live)) {
      return move(handle, backup, method, NewFileAttributes.SAME_AS_REPLACED, beforeCut);
    }
  }

  /**
   * Moves the file {@code live} holds open aside to the new file {@code backup}, which gets {@code
   * backupAttributes} (parts left empty copy the live file's), calling {@code beforeCut} between
   * the durable copy and the cut. The live file is reached only through {@code live}.
   */
  public MoveResult move(
      FileHandle live,
      Path backup,
      LiveMoveMethod method,
      NewFileAttributes backupAttributes,
      BeforeCut beforeCut)
      throws IOException {
    Optional<MoveResult> nothing = nothingToMove(live, method);
    if (nothing.isPresent()) {
      return nothing.get();
    }
    return move(live, createBackup(live, backup, backupAttributes), method, beforeCut);
  }

  /**
   * Moves the file {@code live} holds open aside into {@code backup}, which may already hold the
   * start of the live file ({@link BackupWriter#end()}); as the other {@code move} otherwise.
   * Closes {@code backup}, and discards it when nothing was moved or the live file is unchanged.
   */
  public MoveResult move(
      FileHandle live, BackupWriter backup, LiveMoveMethod method, BeforeCut beforeCut)
      throws IOException {
    boolean liveMayHaveChanged = false;
    try (backup) {
      Optional<MoveResult> nothing = nothingToMove(live, method);
      if (nothing.isPresent()) {
        backup.discard();
        return nothing.get();
      }
      long copied = copyUntilCaughtUp(live, backup, endFor(live, method));
      backup.fsync();
      beforeCut.run(copied);
      liveMayHaveChanged = true;
      if (method == LiveMoveMethod.COPY_TRUNCATE) {
        return finishByTruncating(live, backup, Optional.empty());
      }
      // Read before the cut: the byte the backup ends with, i.e. whether a line was cut.
      boolean endsALine = copied == 0 || byteAt(live, copied - 1) == '\n';
      Optional<String> cannotCollapse = RangeCollapser.collapseFront(live, copied);
      if (cannotCollapse.isEmpty()) {
        return MoveResult.collapsed(
            endsALine ? copied : completeSplitLine(live, backup, copied, live.path()));
      }
      liveMayHaveChanged = false;
      log.warn(
          "{}; falling back to copytruncate, which may lose a few lines", cannotCollapse.get());
      // The aligned prefix already in the backup stays; copying goes on from where it stopped.
      copyUntilCaughtUp(live, backup, s -> s);
      liveMayHaveChanged = true;
      return finishByTruncating(live, backup, cannotCollapse);
    } catch (IOException | RuntimeException e) {
      discardUnneeded(backup, liveMayHaveChanged, e);
      throw e;
    }
  }

  /**
   * Copytruncate copies the whole file. Collapse copies the largest block-aligned prefix short of
   * its end, and then cuts exactly that prefix out; where the filesystem cannot collapse, it
   * finishes as a copy-truncate and says so in the result.
   */
  private static LongUnaryOperator endFor(FileHandle live, LiveMoveMethod method)
      throws IOException {
    if (method == LiveMoveMethod.COPY_TRUNCATE) {
      return size -> size;
    }
    long blockSize = blockSize(live);
    return size -> collapsibleLength(size, blockSize);
  }

  /** The directory's filesystem is the file's: the block size is all that is read by name. */
  private static long blockSize(FileHandle live) throws IOException {
    return Files.getFileStore(live.path().toAbsolutePath().getParent()).getBlockSize();
  }

  /** A file of one block or less has nothing to collapse: it is left alone. */
  private static Optional<MoveResult> nothingToMove(FileHandle live, LiveMoveMethod method)
      throws IOException {
    if (method != LiveMoveMethod.COLLAPSE) {
      return Optional.empty();
    }
    long blockSize = blockSize(live);
    long size = live.size();
    if (collapsibleLength(size, blockSize) > 0) {
      return Optional.empty();
    }
    return Optional.of(
        MoveResult.skipped(
            LiveMoveMethod.COLLAPSE,
            "live file "
                + live.path()
                + " holds "
                + size
                + " bytes, not more than one "
                + blockSize
                + "-byte filesystem block, so there is nothing to collapse yet"));
  }

  private static int byteAt(FileHandle file, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    return file.read(one, position) == 1 ? one.get(0) : -1;
  }

  /**
   * The length of the prefix to collapse out of a file of {@code size} bytes: a multiple of the
   * block size (the kernel refuses others) and less than {@code size} (the kernel refuses a range
   * that reaches the end of the file). 0 when there is no such prefix.
   */
  static long collapsibleLength(long size, long blockSize) {
    return size <= 0 ? 0 : ((size - 1) / blockSize) * blockSize;
  }

  /**
   * Creates the backup {@code O_CREAT|O_EXCL|O_NOFOLLOW}: an existing file or a planted symbolic
   * link under its name is refused, never followed or overwritten. Owner and mode are set on the
   * new descriptor.
   */
  private BackupWriter createBackup(FileHandle live, Path backup, NewFileAttributes attributes)
      throws IOException {
    FileHandle created;
    try {
      created = FileHandle.createNew(backup);
    } catch (FileAlreadyExistsException e) {
      // Overwriting it would destroy the lines of an earlier rotation not yet compressed.
      throw new FileAlreadyExistsException(
          backup.toString(),
          null,
          "backup already exists; compress or remove it before moving "
              + live.path()
              + " aside again");
    }
    try {
      attributes.applyTo(created, Optional.of(live.opened()));
      return new RawBackup(created, durable);
    } catch (IOException | RuntimeException e) {
      created.close();
      Files.deleteIfExists(backup);
      throw e;
    }
  }

  /**
   * Copies from where the backup ends up to {@code endFor(size)} and again while the file grows,
   * until a pass copies less than {@link #CAUGHT_UP_BYTES} or the passes run out.
   *
   * @return the position up to which the backup now holds the live file
   */
  private static long copyUntilCaughtUp(
      FileHandle live, BackupWriter backup, LongUnaryOperator endFor) throws IOException {
    long position = backup.end();
    for (int pass = 0; pass < MAX_CATCH_UP_PASSES; pass++) {
      long end = endFor.applyAsLong(sizeNotBelow(live, position, live.path()));
      if (end <= position) {
        break;
      }
      backup.append(live, end);
      long copiedThisPass = end - position;
      position = end;
      if (copiedThisPass < CAUGHT_UP_BYTES) {
        break;
      }
    }
    return position;
  }

  /**
   * A block-aligned cut almost always falls inside a line. This moves the rest of that line into
   * the backup (fsynced) and overwrites it with spaces at the head of the live file, so that every
   * line is whole in exactly one file; the live file then starts with one blank line. The writer
   * only appends, so rewriting bytes it wrote earlier cannot race with it. When no newline follows
   * within {@link #MAX_LINE_COMPLETION} bytes, the line stays split.
   *
   * @return the bytes the backup now holds
   */
  private static long completeSplitLine(
      FileHandle live, BackupWriter backup, long copied, Path livePath) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(MAX_LINE_COMPLETION);
    int n = Math.max(0, live.read(head, 0));
    int newline = -1;
    for (int i = 0; i < n; i++) {
      if (head.get(i) == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      log.info(
          "the line cut at byte {} of {} is not complete yet; it stays split", copied, livePath);
      return copied;
    }
    backup.appendBytes(head.flip().limit(newline + 1).slice());
    backup.fsync();
    byte[] blanks = new byte[newline];
    java.util.Arrays.fill(blanks, (byte) ' ');
    ByteBuffer blank = ByteBuffer.wrap(blanks);
    long pos = 0;
    while (blank.hasRemaining()) {
      pos += live.write(blank, pos);
    }
    return backup.end();
  }

  /**
   * Copies the tail and truncates the live file as soon as a pass finds nothing new (or after a
   * bounded number of passes), then fsyncs the backup. The window in which appended lines are lost
   * is one small copy. The bulk was fsynced before the journal recorded the copy; the tail copied
   * since sits in the page cache, which a crash of this process cannot lose, and is fsynced right
   * after the cut (only a power loss in between could cost those last few KiB).
   */
  private static MoveResult finishByTruncating(
      FileHandle live, BackupWriter backup, Optional<String> fallbackReason) throws IOException {
    long copied = backup.end();
    long lastSeenSize;
    for (int pass = 1; ; pass++) {
      long end = sizeNotBelow(live, copied, live.path());
      if (end > copied) {
        backup.appendQuickly(live, end);
      }
      copied = end;
      lastSeenSize = sizeNotBelow(live, copied, live.path());
      if (lastSeenSize == copied || pass >= MAX_FINAL_PASSES) {
        break;
      }
    }
    live.truncate(0);
    backup.fsync();
    return MoveResult.copyTruncated(copied, lastSeenSize, fallbackReason);
  }

  static long sizeNotBelow(FileHandle live, long position, Path livePath) throws IOException {
    long size = live.size();
    if (size < position) {
      throw new IOException(
          "live file "
              + livePath
              + " shrank from "
              + position
              + " to "
              + size
              + " bytes while being moved aside; is another tool rotating it?");
    }
    return size;
  }

  private static void discardUnneeded(
      BackupWriter backup, boolean liveMayHaveChanged, Exception failure) {
    if (liveMayHaveChanged) {
      return;
    }
    try {
      backup.discard();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
