package io.fleetrotate.agent.rotate.live;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Cuts a prefix out of a file with {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)}, which the JDK does
 * not offer, through libc via JNA. The kernel does it under the inode lock, so an O_APPEND writer's
 * next write lands at the new end and none of its bytes are lost or doubled.
 */
final class RangeCollapser {

  private static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;
  private static final int EOPNOTSUPP = 95;

  private RangeCollapser() {}

  /**
   * Removes bytes {@code [0, length)} from the file {@code live} holds open; {@code length} must be
   * a multiple of the filesystem block size and less than the file's size. Works on the descriptor
   * the file was checked through, never on its name.
   *
   * @return empty when the range was collapsed, otherwise why this filesystem cannot collapse it;
   *     the file is then unchanged
   * @throws IOException when the call failed for another reason (permissions, I/O error); whether
   *     the file changed is then unknown
   */
  static Optional<String> collapseFront(FileHandle live, long length) throws IOException {
    int errno = live.fallocate(FALLOC_FL_COLLAPSE_RANGE, 0, length);
    if (errno == 0) {
      return Optional.empty();
    }
    Path file = live.path();
    if (errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS) {
      // EINVAL too: ext4 with bigalloc and XFS realtime files need larger alignment.
      return Optional.of(
          "fallocate(FALLOC_FL_COLLAPSE_RANGE) failed with "
              + FileHandle.errnoName(errno)
              + " on the "
              + fileSystemType(file)
              + " filesystem holding "
              + file
              + "; collapsing needs ext4 or xfs");
    }
    throw new IOException(
        "fallocate(FALLOC_FL_COLLAPSE_RANGE) on "
            + file
            + " failed with "
            + FileHandle.errnoName(errno));
  }

  /** For the message only: the type of the filesystem of the file's directory. */
  private static String fileSystemType(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      FileStore store = Files.getFileStore(dir);
      return store.type();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
