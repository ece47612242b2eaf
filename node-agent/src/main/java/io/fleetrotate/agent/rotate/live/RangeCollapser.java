package io.fleetrotate.agent.rotate.live;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Cuts a prefix out of a file with {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)}, which the JDK does
 * not offer, through libc via JNA. The kernel does it under the inode lock, so an O_APPEND writer's
 * next write lands at the new end and none of its bytes are lost or doubled.
 */
final class RangeCollapser {

  private static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
  private static final int O_RDWR = 0x2;
  // Keeps the descriptor out of a reopen command forked while it is open. x86_64 and aarch64 value.
  private static final int O_CLOEXEC = 0x80000;

  private static final int EINTR = 4;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;
  private static final int EOPNOTSUPP = 95;
  private static final int MAX_INTERRUPTED_TRIES = 5;

  private static final Map<Integer, String> ERRNO_NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(2, "ENOENT"),
          Map.entry(5, "EIO"),
          Map.entry(9, "EBADF"),
          Map.entry(13, "EACCES"),
          Map.entry(19, "ENODEV"),
          Map.entry(EINVAL, "EINVAL"),
          Map.entry(26, "ETXTBSY"),
          Map.entry(27, "EFBIG"),
          Map.entry(28, "ENOSPC"),
          Map.entry(ENOSYS, "ENOSYS"),
          Map.entry(EOPNOTSUPP, "EOPNOTSUPP"));

  private RangeCollapser() {}

  /**
   * Removes bytes {@code [0, length)} from {@code file}; {@code length} must be a multiple of the
   * filesystem block size and less than the file's size.
   *
   * @return empty when the range was collapsed, otherwise why this filesystem cannot collapse it;
   *     the file is then unchanged
   * @throws IOException when the call failed for another reason (permissions, I/O error); whether
   *     the file changed is then unknown
   */
  static Optional<String> collapseFront(Path file, long length) throws IOException {
    LibC libc;
    try {
      libc = LibC.INSTANCE;
    } catch (LinkageError e) {
      return Optional.of("libc could not be loaded through JNA (" + e.getMessage() + ")");
    }
    int fd;
    try {
      fd = libc.open(nulTerminated(file), O_RDWR | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException(
          "cannot open " + file + " to collapse it: " + errnoName(e.getErrorCode()), e);
    }
    try {
      for (int tries = 1; ; tries++) {
        try {
          libc.fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, length);
          return Optional.empty();
        } catch (LastErrorException e) {
          int errno = e.getErrorCode();
          if (errno == EINTR && tries < MAX_INTERRUPTED_TRIES) {
            continue;
          }
          if (errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS) {
            // EINVAL too: ext4 with bigalloc and XFS realtime files need larger alignment.
            return Optional.of(
                "fallocate(FALLOC_FL_COLLAPSE_RANGE) failed with "
                    + errnoName(errno)
                    + " on the "
                    + fileSystemType(file)
                    + " filesystem holding "
                    + file
                    + "; collapsing needs ext4 or xfs");
          }
          throw new IOException(
              "fallocate(FALLOC_FL_COLLAPSE_RANGE) on " + file + " failed with " + errnoName(errno),
              e);
        }
      }
    } finally {
      try {
        libc.close(fd);
      } catch (LastErrorException e) {
        // Nothing was written through this descriptor, so a failed close loses nothing.
      }
    }
  }

  private static byte[] nulTerminated(Path file) {
    // The JDK encodes file names with sun.jnu.encoding; the same bytes must reach open(2).
    Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    byte[] name = file.toAbsolutePath().toString().getBytes(charset);
    return Arrays.copyOf(name, name.length + 1);
  }

  private static String errnoName(int errno) {
    return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
  }

  private static String fileSystemType(Path file) {
    try {
      FileStore store = Files.getFileStore(file);
      return store.type();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(byte[] path, int flags) throws LastErrorException;

    int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }
}
