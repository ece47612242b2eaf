package io.fleetrotate.agent.rotate.live;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.fleetrotate.agent.os.LibC;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A regular file held by its descriptor, for a root agent working in a directory that a less
 * trusted user can write. The name is looked up once, by {@code open(2)} with {@code O_NOFOLLOW} (a
 * symbolic link at the name is refused, never followed); the descriptor is then checked with {@code
 * statx(2)} (a regular file, its device and inode), and every later read, write, truncate,
 * collapse, fsync, chmod and chown goes through the descriptor, never through the name again. A
 * user who swaps the name for a symbolic link or another file after the check changes nothing the
 * agent does.
 *
 * <p>Why JNA and not a {@code FileChannel}: the JDK opens with {@code O_NOFOLLOW} but exposes
 * neither the descriptor nor {@code fstat}, {@code fchmod}, {@code fchown} or {@code fallocate} on
 * it; reaching the descriptor by reflection needs {@code --add-opens}, and reopening {@code
 * /proc/self/fd/N} depends on {@code /proc}. So the file is opened, checked and used through libc.
 * Linux on x86_64 and aarch64 only (the flag values below); elsewhere opening fails with a
 * sentence.
 */
public final class FileHandle implements Closeable {

  // asm-generic/fcntl.h; O_NOFOLLOW is the one flag used here that differs between x86_64/aarch64.
  private static final int O_RDONLY = 0;
  private static final int O_RDWR = 02;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_NOCTTY = 0400;
  // A FIFO or device swapped in must not block the agent; no effect on a regular file.
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_NOFOLLOW = noFollowFlag();

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;

  static final int EINTR = 4;
  static final int EAGAIN = 11;
  private static final int ENOENT = 2;
  private static final int EPERM = 1;
  private static final int EACCES = 13;
  private static final int EEXIST = 17;
  private static final int ELOOP = 40;
  private static final int MAX_INTERRUPTED_TRIES = 5;
  private static final int COPY_CHUNK = 1 << 20;

  private static final Map<Integer, String> ERRNO_NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM"),
          Map.entry(ENOENT, "ENOENT"),
          Map.entry(5, "EIO"),
          Map.entry(9, "EBADF"),
          Map.entry(EACCES, "EACCES"),
          Map.entry(EEXIST, "EEXIST"),
          Map.entry(19, "ENODEV"),
          Map.entry(21, "EISDIR"),
          Map.entry(22, "EINVAL"),
          Map.entry(26, "ETXTBSY"),
          Map.entry(27, "EFBIG"),
          Map.entry(28, "ENOSPC"),
          Map.entry(30, "EROFS"),
          Map.entry(38, "ENOSYS"),
          Map.entry(ELOOP, "ELOOP"),
          Map.entry(95, "EOPNOTSUPP"),
          Map.entry(122, "EDQUOT"));

  /** Who a file is on its filesystem: what a swapped-in file cannot fake. */
  public record FileIdentity(long device, long inode) {
    @Override
    public String toString() {
      return "device " + device + " inode " + inode;
    }
  }

  /** What {@code statx(2)} says about a file. */
  public record Stat(
      FileIdentity identity, int mode, int uid, int gid, long links, long size, int blockSize) {
    public boolean isRegularFile() {
      return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isSymbolicLink() {
      return (mode & S_IFMT) == S_IFLNK;
    }

    /** The permission bits, {@code 0640} and the like. */
    public int permissions() {
      return mode & 07777;
    }
  }

  /** The name was a symbolic link or not a regular file: nothing was opened through it. */
  public static final class NotARegularFileException extends FileSystemException {
    private static final long serialVersionUID = 1L;
    private final boolean symbolicLink;

    NotARegularFileException(Path file, boolean symbolicLink, String reason) {
      super(file.toString(), null, reason);
      this.symbolicLink = symbolicLink;
    }

    public boolean symbolicLink() {
      return symbolicLink;
    }
  }

  private final Path path;
  private final int fd;
  private final Stat opened;
  private boolean closed;

  private FileHandle(Path path, int fd, Stat opened) {
    this.path = path;
    this.fd = fd;
    this.opened = opened;
  }

  /**
   * Opens an existing regular file for reading and writing, refusing a symbolic link at its name.
   *
   * @throws NotARegularFileException the name is a symbolic link, a FIFO, a directory...
   * @throws NoSuchFileException nothing has that name
   */
  public static FileHandle openExisting(Path file) throws IOException {
    return openChecked(file, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  }

  /** Opens an existing regular file for reading only, refusing a symbolic link at its name. */
  public static FileHandle openForReading(Path file) throws IOException {
    return openChecked(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  }

  /**
   * Creates a new file, {@code O_CREAT|O_EXCL|O_NOFOLLOW}: whatever already has the name (a file, a
   * planted symbolic link, even one pointing nowhere) makes it fail, and nothing is followed. It is
   * created {@code 0600}; set what it should have with {@link #chown} and {@link #chmod}.
   *
   * @throws FileAlreadyExistsException something already has that name
   */
  public static FileHandle createNew(Path file) throws IOException {
    LibC libc = libc(file);
    int fd;
    try {
      fd = libc.open(nulTerminated(file), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    } catch (LastErrorException e) {
      throw failure(file, "create", e.getErrorCode(), e);
    }
    try {
      return new FileHandle(file, fd, statx(libc, fd, file));
    } catch (IOException | RuntimeException e) {
      closeQuietly(libc, fd);
      throw e;
    }
  }

  /** What the name denotes, without following a symbolic link ({@code lstat}). */
  public static Stat statNoFollow(Path file) throws IOException {
    LibC libc = libc(file);
    try (Memory buf = new Memory(256)) {
      try {
        libc.statx(AT_FDCWD, nulTerminated(file), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
      } catch (LastErrorException e) {
        throw failure(file, "stat", e.getErrorCode(), e);
      }
      return stat(buf);
    }
  }

  private static FileHandle openChecked(Path file, int flags) throws IOException {
    LibC libc = libc(file);
    int fd;
    try {
      fd = libc.open(nulTerminated(file), flags, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ELOOP) {
        throw new NotARegularFileException(
            file, true, "is a symbolic link, which is never followed");
      }
      throw failure(file, "open", e.getErrorCode(), e);
    }
    try {
      Stat st = statx(libc, fd, file);
      if (!st.isRegularFile()) {
        throw new NotARegularFileException(
            file, false, "is not a regular file (mode " + Integer.toOctalString(st.mode()) + ")");
      }
      return new FileHandle(file, fd, st);
    } catch (IOException | RuntimeException e) {
      closeQuietly(libc, fd);
      throw e;
    }
  }

  /** The name this file was opened by (for messages; never used to reach the file again). */
  public Path path() {
    return path;
  }

  /** The {@code statx} taken right after opening. */
  public Stat opened() {
    return opened;
  }

  /** A fresh {@code statx} of the descriptor. */
  public Stat stat() throws IOException {
    return statx(LibC.INSTANCE, fd, path);
  }

  public long size() throws IOException {
    return stat().size();
  }

  /**
   * {@code pread}: reads into {@code dst} at {@code position}; -1 at the end of the file. A direct
   * buffer is read into in place (the compressors' buffers are direct: one copy, the kernel's); any
   * other goes through native memory.
   */
  public int read(ByteBuffer dst, long position) throws IOException {
    int want = dst.remaining();
    if (want == 0) {
      return 0;
    }
    if (dst.isDirect()) {
      Pointer at = Native.getDirectBufferPointer(dst).share(dst.position());
      long n = retry(() -> LibC.INSTANCE.pread(fd, at, want, position), "read");
      if (n == 0) {
        return -1;
      }
      dst.position(dst.position() + (int) n);
      return (int) n;
    }
    try (Memory buf = new Memory(want)) {
      long n = retry(() -> LibC.INSTANCE.pread(fd, buf, want, position), "read");
      if (n == 0) {
        return -1;
      }
      dst.put(buf.getByteArray(0, (int) n));
      return (int) n;
    }
  }

  /**
   * {@code pwrite}: writes what {@code src} holds at {@code position}; returns the bytes written.
   */
  public int write(ByteBuffer src, long position) throws IOException {
    int want = src.remaining();
    if (want == 0) {
      return 0;
    }
    byte[] bytes = new byte[want];
    src.duplicate().get(bytes);
    try (Memory buf = new Memory(want)) {
      buf.write(0, bytes, 0, want);
      long n = retry(() -> LibC.INSTANCE.pwrite(fd, buf, want, position), "write");
      src.position(src.position() + (int) n);
      return (int) n;
    }
  }

  /**
   * Copies {@code [position, end)} of this file into {@code target} at the same offsets.
   *
   * @return the bytes copied; less than asked when this file ended first
   */
  public long copyTo(FileHandle target, long position, long end) throws IOException {
    long done = 0;
    try (Memory buf = new Memory(COPY_CHUNK)) {
      while (position + done < end) {
        long at = position + done;
        long want = Math.min(COPY_CHUNK, end - at);
        long n = retry(() -> LibC.INSTANCE.pread(fd, buf, want, at), "read");
        if (n == 0) {
          return done;
        }
        long written = 0;
        while (written < n) {
          long off = written;
          long w =
              target.retry(
                  () -> LibC.INSTANCE.pwrite(target.fd, buf.share(off), n - off, at + off),
                  "write");
          if (w <= 0) {
            throw new IOException("cannot write " + target.path + ": the write made no progress");
          }
          written += w;
        }
        done += n;
      }
    }
    return done;
  }

  /** {@code ftruncate}. */
  public void truncate(long size) throws IOException {
    retry(() -> LibC.INSTANCE.ftruncate(fd, size), "truncate");
  }

  /** {@code fsync}, or {@code fdatasync} without {@code metaData}. */
  public void force(boolean metaData) throws IOException {
    retry(() -> metaData ? LibC.INSTANCE.fsync(fd) : LibC.INSTANCE.fdatasync(fd), "fsync");
  }

  /** {@code fchmod}: exactly these bits, whatever the umask. */
  public void chmod(int mode) throws IOException {
    retry(() -> LibC.INSTANCE.fchmod(fd, mode), "chmod");
  }

  /** {@code fchown}; -1 leaves that part as it is. */
  public void chown(int uid, int gid) throws IOException {
    retry(() -> LibC.INSTANCE.fchown(fd, uid, gid), "chown");
  }

  /**
   * {@code fallocate(mode, offset, length)} on the descriptor.
   *
   * @return 0, or the errno it failed with (interruptions retried)
   */
  int fallocate(int mode, long offset, long length) {
    for (int tries = 1; ; tries++) {
      try {
        LibC.INSTANCE.fallocate(fd, mode, offset, length);
        return 0;
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EINTR && tries < MAX_INTERRUPTED_TRIES) {
          continue;
        }
        return e.getErrorCode();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      LibC.INSTANCE.close(fd);
    } catch (LastErrorException e) {
      throw failure(path, "close", e.getErrorCode(), e);
    }
  }

  static String errnoName(int errno) {
    return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
  }

  @FunctionalInterface
  private interface Call {
    long run() throws LastErrorException;
  }

  private long retry(Call call, String doing) throws IOException {
    for (int tries = 1; ; tries++) {
      try {
        return call.run();
      } catch (LastErrorException e) {
        if ((e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN)
            && tries < MAX_INTERRUPTED_TRIES) {
          continue;
        }
        throw failure(path, doing, e.getErrorCode(), e);
      }
    }
  }

  /** The exception the JDK would throw for this errno, with the kernel's wording in the message. */
  private static IOException failure(Path file, String doing, int errno, Throwable cause) {
    String why = describe(errno);
    IOException e =
        switch (errno) {
          case ENOENT -> new NoSuchFileException(file.toString(), null, why);
          case EEXIST -> new FileAlreadyExistsException(file.toString(), null, why);
          case EPERM, EACCES -> new AccessDeniedException(file.toString(), null, why);
          default -> new FileSystemException(file.toString(), null, "cannot " + doing + ": " + why);
        };
    e.initCause(cause);
    return e;
  }

  private static String describe(int errno) {
    String text;
    try {
      text = LibC.INSTANCE.strerror(errno);
    } catch (RuntimeException | LinkageError e) {
      text = null;
    }
    return (text == null ? "" : text + " ") + "(" + errnoName(errno) + ")";
  }

  private static Stat statx(LibC libc, int fd, Path file) throws IOException {
    try (Memory buf = new Memory(256)) {
      try {
        libc.statx(fd, new byte[] {0}, AT_EMPTY_PATH, STATX_BASIC_STATS, buf);
      } catch (LastErrorException e) {
        throw failure(file, "stat", e.getErrorCode(), e);
      }
      return stat(buf);
    }
  }

  /** Reads {@code struct statx}, whose layout is the same on every architecture. */
  private static Stat stat(Pointer b) {
    int blockSize = b.getInt(4);
    long links = Integer.toUnsignedLong(b.getInt(16));
    int uid = b.getInt(20);
    int gid = b.getInt(24);
    int mode = Short.toUnsignedInt(b.getShort(28));
    long inode = b.getLong(32);
    long size = b.getLong(40);
    long major = Integer.toUnsignedLong(b.getInt(136));
    long minor = Integer.toUnsignedLong(b.getInt(140));
    return new Stat(
        new FileIdentity(makedev(major, minor), inode), mode, uid, gid, links, size, blockSize);
  }

  /** glibc's {@code makedev}: the {@code st_dev} that {@code stat} (and the JDK) report. */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0x00000fffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0x000000ffL);
  }

  private static void closeQuietly(LibC libc, int fd) {
    try {
      libc.close(fd);
    } catch (LastErrorException ignored) {
      // Nothing was written through it.
    }
  }

  private static LibC libc(Path file) throws IOException {
    if (O_NOFOLLOW == 0) {
      throw new FileSystemException(
          file.toString(),
          null,
          "cannot open safely on "
              + System.getProperty("os.arch")
              + "; the agent supports Linux on x86_64 and aarch64");
    }
    try {
      return LibC.INSTANCE;
    } catch (LinkageError e) {
      throw new FileSystemException(
          file.toString(), null, "libc could not be loaded through JNA (" + e.getMessage() + ")");
    }
  }

  private static int noFollowFlag() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return 0;
    }
    return switch (arch) {
      case "amd64", "x86_64" -> 0400000;
      case "aarch64", "arm64" -> 0100000;
      default -> 0;
    };
  }

  private static byte[] nulTerminated(Path file) {
    // The JDK encodes file names with sun.jnu.encoding; the same bytes must reach the kernel.
    Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    byte[] name = file.toAbsolutePath().toString().getBytes(charset);
    return Arrays.copyOf(name, name.length + 1);
  }
}
