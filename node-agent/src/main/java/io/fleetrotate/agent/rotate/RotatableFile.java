package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.rotate.RotationEngine.RotationFailure;
import io.fleetrotate.agent.rotate.live.FileHandle;
import io.fleetrotate.proto.FailureReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;

/**
 * What the engine checks before it touches a live file, each refusal in one sentence: by name first
 * ({@link #check}), then on the one descriptor the rotation keeps ({@link #open}).
 */
final class RotatableFile {
  private RotatableFile() {}

  /**
   * Refuses symbolic links, non-regular files and world-writable directories. What it returns is
   * only a first look by name: {@link #open} holds the file and checks it is this one.
   */
  static FileHandle.Stat check(RotationSpec spec) throws RotationFailure, IOException {
    Path live = spec.liveFile();
    FileHandle.Stat attrs;
    try {
      attrs = FileHandle.statNoFollow(live);
    } catch (NoSuchFileException e) {
      throw new RotationFailure(FailureReason.IO_ERROR, live + " does not exist", e);
    }
    if (attrs.isSymbolicLink()) {
      throw symbolicLinkRefused(live, null);
    }
    if (!attrs.isRegularFile()) {
      throw new RotationFailure(
          FailureReason.CONFIG_ERROR, "refusing to rotate " + live + ": not a regular file", null);
    }
    for (Path dir : List.of(live.getParent(), spec.naming().backupDir())) {
      if (Files.isSymbolicLink(dir)) {
        throw new RotationFailure(
            FailureReason.CONFIG_ERROR,
            "refusing to rotate " + live + ": directory " + dir + " is a symbolic link",
            null);
      }
      if (!spec.allowWorldWritable() && isWorldWritable(dir)) {
        throw new RotationFailure(
            FailureReason.CONFIG_ERROR,
            "refusing to rotate "
                + live
                + ": directory "
                + dir
                + " is world-writable, so another user could plant a file under a backup's name;"
                + " fix its permissions or set allowWorldWritable: true on this file entry",
            null);
      }
    }
    return attrs;
  }

  private static RotationFailure symbolicLinkRefused(Path live, Throwable cause) {
    return new RotationFailure(
        FailureReason.CONFIG_ERROR,
        "refusing to rotate "
            + live
            + ": it is a symbolic link; configure the path of the real file",
        cause);
  }

  /**
   * Opens the live file once, {@code O_NOFOLLOW}, and checks on the descriptor that it is a regular
   * file with one name and, when given, the device and inode {@code checked} saw. Everything the
   * rotation does to the live file then goes through this descriptor: a user who can write the
   * directory and swaps the name for a symbolic link or another file cannot redirect it.
   */
  static FileHandle open(RotationSpec spec, Optional<FileHandle.Stat> checked)
      throws RotationFailure, IOException {
    Path live = spec.liveFile();
    FileHandle handle;
    try {
      handle =
          spec.move() == RotationSpec.Move.RENAME
              ? FileHandle.openForReading(live)
              : FileHandle.openExisting(live);
    } catch (FileHandle.NotARegularFileException e) {
      if (e.symbolicLink()) {
        throw symbolicLinkRefused(live, e);
      }
      throw new RotationFailure(
          FailureReason.CONFIG_ERROR, "refusing to rotate " + live + ": not a regular file", e);
    } catch (NoSuchFileException e) {
      throw new RotationFailure(FailureReason.IO_ERROR, live + " does not exist", e);
    }
    FileHandle.Stat opened = handle.opened();
    String refusal = null;
    if (checked.isPresent() && !checked.get().identity().equals(opened.identity())) {
      refusal =
          "it was replaced between the check ("
              + checked.get().identity()
              + ") and the open ("
              + opened.identity()
              + "); someone else is changing this directory";
    } else if (opened.links() == 0) {
      refusal =
          "it was removed or replaced as it was opened; someone else is changing this directory";
    } else if (opened.links() != 1) {
      refusal =
          "it has "
              + opened.links()
              + " hard links, so another name shares its bytes; give the log a single name";
    }
    if (refusal != null) {
      handle.close();
      throw new RotationFailure(
          FailureReason.CONFIG_ERROR, "refusing to rotate " + live + ": " + refusal, null);
    }
    return handle;
  }

  private static boolean isWorldWritable(Path dir) throws IOException {
    try {
      PosixFileAttributes a =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException notPosix) {
      return false;
    }
  }
}
