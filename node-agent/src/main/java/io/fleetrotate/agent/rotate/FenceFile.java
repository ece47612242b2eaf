package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.agent.os.ProcFs;
import io.fleetrotate.lock.FencedException;
import io.fleetrotate.lock.Lease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fence beside a log, {@code .<name>.fence}: the highest fencing token that any holder has done
 * a destructive step under. Before each destructive step the engine admits its lease here; a lease
 * with a lower token is refused. This is what keeps a holder that was paused or cut off past its
 * lease TTL (a GC pause, SIGSTOP, a partition) from renaming or deleting a file that a newer holder
 * has already rotated, even on a volume shared between hosts and even when the lock service is only
 * eventually consistent.
 *
 * <p>One line of text: {@code <token> <group> <holder> <instant>}. Check and record happen under an
 * exclusive lock on the fence file, so two holders on one volume cannot both pass with interleaved
 * tokens. The record is fsynced only when the token changes: once per rotation.
 *
 * <p>Token 0 is the stand-in of an emergency rotation without a lease: it is admitted (still one
 * step at a time) and never recorded (there is nothing to fence it against).
 */
public final class FenceFile {
  private static final Logger log = LoggerFactory.getLogger(FenceFile.class);
  private static final String HOLDER = holderName();
  private static final long LOCK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Path file;
  private final Clock clock;

  private FenceFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The fence of {@code liveFile}: {@code .<name>.fence} in the same directory. */
  public static FenceFile of(Path liveFile, Clock clock) {
    return new FenceFile(pathFor(liveFile), clock);
  }

  /**
   * What the fence beside {@code liveFile} holds, if anything: the one reading of the fence format,
   * for tools that inspect a host after the fact (the chaos checker) as much as for the agent.
   */
  public static Optional<Entry> readBeside(Path liveFile) throws IOException {
    return of(liveFile, Clock.systemUTC()).read();
  }

  public static Path pathFor(Path liveFile) {
    return liveFile.resolveSibling("." + liveFile.getFileName() + ".fence");
  }

  /** True for names of fence files, which are never rotated or pruned themselves. */
  public static boolean isFenceFile(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".fence");
  }

  public Path path() {
    return file;
  }

  /** What the fence holds. */
  public record Entry(long token, String group, String holder, Instant at) {}

  /**
   * Admits a destructive step under {@code lease}, recording its token, and holds the fence until
   * the returned admission is closed: do the step, then close it. Holding it across the step means
   * that a holder paused between its check and its step (after its lease expired) still finishes
   * that one step before a newer holder can start one on this file, and is refused at its next.
   *
   * @throws FencedException the fence holds a higher token of the same group
   */
  public Admission admit(Lease lease) throws FencedException, IOException {
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    boolean admitted = false;
    try {
      lock(ch);
      check(ch, lease);
      admitted = true;
      return new Admission(ch);
    } finally {
      if (!admitted) {
        ch.close();
      }
    }
  }

  /** Admits and releases at once: for checks before long, non-destructive work. */
  public void check(Lease lease) throws FencedException, IOException {
    admit(lease).close();
  }

  /** A held admission; closing it lets the next step on this file in. */
  public static final class Admission implements AutoCloseable {
    private final FileChannel channel;

    private Admission(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private void check(FileChannel ch, Lease lease) throws FencedException, IOException {
    long token = lease.fencingToken();
    if (token == 0) {
      return;
    }
    if (token < 0 || token == Long.MAX_VALUE) {
      throw new FencedException(
          "refused by the fence "
              + file
              + ": token "
              + token
              + (token < 0
                  ? " is negative, so the lock service's fencing counter wrapped around"
                  : " is the largest a fencing counter can hold, so no later holder could be"
                      + " told apart")
              + "; reset the counter of group "
              + lease.group()
              + " and its fence files before rotating again",
          token);
    }
    Optional<Entry> current = parse(read(ch));
    if (current.isPresent()) {
      Entry e = current.get();
      if (e.group().equals(lease.group()) && e.token() == Long.MAX_VALUE) {
        throw new FencedException(
            "refused by the fence "
                + file
                + ": it records token "
                + Long.MAX_VALUE
                + ", the largest a fencing counter can hold, so no lease can ever pass it; reset"
                + " the counter of group "
                + lease.group()
                + " and remove this fence file before rotating again",
            e.token());
      }
      if (!e.group().equals(lease.group())) {
        log.warn(
            "{} records group {} but the file now rotates in group {}; starting its fence anew",
            file,
            e.group(),
            lease.group());
      } else if (e.token() > token) {
        throw new FencedException(
            "refused by the fence "
                + file
                + ": it records token "
                + e.token()
                + " (by "
                + e.holder()
                + " at "
                + e.at()
                + "), newer than this lease's token "
                + token,
            e.token());
      } else if (e.token() == token) {
        if (e.holder().equals(HOLDER)) {
          return;
        }
        // Two halves of a split lock service can grant the same token: only one may use it.
        throw new FencedException(
            "refused by the fence "
                + file
                + ": token "
                + token
                + " is already in use by "
                + e.holder()
                + " (since "
                + e.at()
                + "); the lock service granted it twice",
            e.token());
      }
    }
    byte[] line =
        (token + " " + lease.group() + " " + HOLDER + " " + clock.instant() + "\n")
            .getBytes(StandardCharsets.UTF_8);
    // Overwrite, then cut: a crash in between leaves the new line first, which is what is read.
    ch.write(ByteBuffer.wrap(line), 0);
    ch.truncate(line.length);
    Durable.SYSTEM.fsync(file, () -> ch.force(false));
  }

  /** What the fence holds now, if anything. */
  public Optional<Entry> read() throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return parse(read(ch));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private FileLock lock(FileChannel ch) throws IOException {
    long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
    while (true) {
      try {
        FileLock l = ch.tryLock();
        if (l != null) {
          return l;
        }
      } catch (OverlappingFileLockException sameProcess) {
        // Another thread of this agent is admitting a step on this file: wait for it.
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "the fence " + file + " stayed locked for 10 s; another holder is stuck on this file");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the fence " + file, e);
      }
    }
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1024);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
      // keep reading
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  private Optional<Entry> parse(String text) {
    int nl = text.indexOf('\n');
    String line = (nl >= 0 ? text.substring(0, nl) : text).strip();
    if (line.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = line.split(" ");
    try {
      return Optional.of(
          new Entry(
              Long.parseLong(parts[0]),
              parts.length > 1 ? parts[1] : "",
              parts.length > 2 ? parts[2] : "?",
              parts.length > 3 ? Instant.parse(parts[3]) : Instant.EPOCH));
    } catch (RuntimeException e) {
      // A torn or foreign fence must not block rotation forever; nor may it be trusted.
      log.warn("{} is unreadable ({}); it is rewritten", file, line);
      return Optional.empty();
    }
  }

  /** pid@host, as the JVM names itself, without starting JMX or resolving the host's name. */
  private static String holderName() {
    return (ProcessHandle.current().pid() + "@" + ProcFs.hostname()).replace(' ', '_');
  }
}
