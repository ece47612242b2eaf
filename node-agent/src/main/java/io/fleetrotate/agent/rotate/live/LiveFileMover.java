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

  private void fsync(FileHandle backup) throws IOException {
    durable.fsync(backup.path(), () -> backup.force(true));
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
    return switch (method) {
      case COPY_TRUNCATE -> copyTruncate(live, backup, backupAttributes, beforeCut);
      case COLLAPSE -> collapse(live, backup, backupAttributes, beforeCut);
    };
  }

  /**
   * Copies {@code live} to the new file {@code backup}, fsyncs it, then truncates {@code live} to
   * zero. Lines written between the final copy and the truncate are lost; the result tells the part
   * of them it saw.
   *
   * @throws FileAlreadyExistsException when {@code backup} exists
   */
  private MoveResult copyTruncate(
      FileHandle liveChannel, Path backup, NewFileAttributes attributes, BeforeCut beforeCut)
      throws IOException {
    Path live = liveChannel.path();
    FileHandle backupChannel = createBackup(liveChannel, backup, attributes);
    boolean liveMayHaveChanged = false;
    try (backupChannel) {
      long copied = copyUntilCaughtUp(liveChannel, backupChannel, 0, size -> size, live);
      fsync(backupChannel);
      beforeCut.run(copied);
      liveMayHaveChanged = true;
      return finishByTruncating(liveChannel, backupChannel, copied, live, Optional.empty());
    } catch (IOException | RuntimeException e) {
      deleteUnneededBackup(backup, liveMayHaveChanged, e);
      throw e;
    }
  }

  /**
   * Copies the largest block-aligned prefix of {@code live} (short of its end) to the new file
   * {@code backup}, fsyncs it, then cuts exactly that prefix out of {@code live}. Where the
   * filesystem cannot collapse, finishes as a copy-truncate and says so in the result. A file of
   * one block or less is left alone and the result says it was skipped.
   *
   * @throws FileAlreadyExistsException when {@code backup} exists
   */
  private MoveResult collapse(
      FileHandle liveChannel, Path backup, NewFileAttributes attributes, BeforeCut beforeCut)
      throws IOException {
    Path live = liveChannel.path();
    // The directory's filesystem is the file's: the block size is all that is read by name.
    long blockSize = Files.getFileStore(live.toAbsolutePath().getParent()).getBlockSize();
    long size = liveChannel.size();
    if (collapsibleLength(size, blockSize) == 0) {
      return MoveResult.skipped(
          LiveMoveMethod.COLLAPSE,
          "live file "
              + live
              + " holds "
              + size
              + " bytes, not more than one "
              + blockSize
              + "-byte filesystem block, so there is nothing to collapse yet");
    }
    FileHandle backupChannel = createBackup(liveChannel, backup, attributes);
    boolean liveMayHaveChanged = false;
    try (backupChannel) {
      long copied =
          copyUntilCaughtUp(
              liveChannel, backupChannel, 0, s -> collapsibleLength(s, blockSize), live);
      fsync(backupChannel);
      beforeCut.run(copied);
      liveMayHaveChanged = true;
      Optional<String> cannotCollapse = RangeCollapser.collapseFront(liveChannel, copied);
      if (cannotCollapse.isEmpty()) {
        return MoveResult.collapsed(completeSplitLine(liveChannel, backupChannel, copied, live));
      }
      liveMayHaveChanged = false;
      log.warn(
          "{}; falling back to copytruncate, which may lose a few lines", cannotCollapse.get());
      // The aligned prefix already in the backup stays; copying goes on from where it stopped.
      copied = copyUntilCaughtUp(liveChannel, backupChannel, copied, s -> s, live);
      liveMayHaveChanged = true;
      return finishByTruncating(liveChannel, backupChannel, copied, live, cannotCollapse);
    } catch (IOException | RuntimeException e) {
      deleteUnneededBackup(backup, liveMayHaveChanged, e);
      throw e;
    }
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
  private static FileHandle createBackup(FileHandle live, Path backup, NewFileAttributes attributes)
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
      return created;
    } catch (IOException | RuntimeException e) {
      created.close();
      deleteUnneededBackup(backup, false, e);
      throw e;
    }
  }

  /**
   * Copies from {@code position} up to {@code endFor(size)} and again while the file grows, until a
   * pass copies less than {@link #CAUGHT_UP_BYTES} or the passes run out.
   *
   * @return the position up to which the backup now holds the live file
   */
  private static long copyUntilCaughtUp(
      FileHandle live, FileHandle backup, long position, LongUnaryOperator endFor, Path livePath)
      throws IOException {
    for (int pass = 0; pass < MAX_CATCH_UP_PASSES; pass++) {
      long end = endFor.applyAsLong(sizeNotBelow(live, position, livePath));
      if (end <= position) {
        break;
      }
      copyRange(live, backup, position, end, livePath);
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
  private long completeSplitLine(FileHandle live, FileHandle backup, long copied, Path livePath)
      throws IOException {
    ByteBuffer lastByte = ByteBuffer.allocate(1);
    if (copied == 0 || backup.read(lastByte, copied - 1) != 1 || lastByte.get(0) == '\n') {
      return copied;
    }
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
    ByteBuffer rest = head.flip().limit(newline + 1).slice();
    long at = copied;
    while (rest.hasRemaining()) {
      at += backup.write(rest, at);
    }
    fsync(backup);
    byte[] blanks = new byte[newline];
    java.util.Arrays.fill(blanks, (byte) ' ');
    ByteBuffer blank = ByteBuffer.wrap(blanks);
    long pos = 0;
    while (blank.hasRemaining()) {
      pos += live.write(blank, pos);
    }
    return at;
  }

  /**
   * Copies the tail and truncates the live file as soon as a pass finds nothing new (or after a
   * bounded number of passes), then fsyncs the backup. The window in which appended lines are lost
   * is one small copy. The bulk was fsynced before the journal recorded the copy; the tail copied
   * since sits in the page cache, which a crash of this process cannot lose, and is fsynced right
   * after the cut (only a power loss in between could cost those last few KiB).
   */
  private MoveResult finishByTruncating(
      FileHandle live,
      FileHandle backup,
      long copied,
      Path livePath,
      Optional<String> fallbackReason)
      throws IOException {
    long lastSeenSize = copied;
    for (int pass = 1; ; pass++) {
      long end = sizeNotBelow(live, copied, livePath);
      copyRange(live, backup, copied, end, livePath);
      copied = end;
      lastSeenSize = sizeNotBelow(live, copied, livePath);
      if (lastSeenSize == copied || pass >= MAX_FINAL_PASSES) {
        break;
      }
    }
    live.truncate(0);
    fsync(backup);
    return MoveResult.copyTruncated(copied, lastSeenSize, fallbackReason);
  }

  private static void copyRange(
      FileHandle from, FileHandle to, long position, long end, Path livePath) throws IOException {
    while (position < end) {
      long n = from.copyTo(to, position, end);
      if (n <= 0) {
        // Nothing is copied past the end of the file: it shrank under us.
        sizeNotBelow(from, end, livePath);
        throw new IOException("copying " + livePath + " made no progress at byte " + position);
      }
      position += n;
    }
  }

  private static long sizeNotBelow(FileHandle live, long position, Path livePath)
      throws IOException {
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

  private static void deleteUnneededBackup(
      Path backup, boolean liveMayHaveChanged, Exception failure) {
    if (liveMayHaveChanged) {
      return;
    }
    try {
      Files.deleteIfExists(backup);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
