package io.fleetrotate.agent.ahead;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.CompressionResult;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.RangeSource;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.agent.os.ProcFs;
import io.fleetrotate.agent.rotate.live.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's compress-ahead partial of one live log: {@code
 * .<log>.fleetrotate-partial-<agent>.zst} (or {@code .gz}) beside it, what was compressed of each
 * fixed span of uncompressed bytes ({@link #FRAME_SPAN} unless {@code compress.aheadFrame} says
 * otherwise; "a frame" below), concatenated: zstd frames of 1 MiB each, or one gzip member per
 * span; and {@code .<log>.fleetrotate-partial-<agent>.json}, the {@link PartialHeader} saying what
 * they cover. {@code <agent>} ({@link #agentTag}) names the agent by host and state directory:
 * agents that watch one log on a shared volume each keep their own partial, which only their own
 * {@link AheadLock} guards, and a partial whose log another agent rotated fails its checks and is
 * discarded.
 *
 * <p>The partial is a cache, never the only copy of anything: the header is replaced only after the
 * frame it counts is fsynced, so a kill leaves at worst a torn frame past the covered length, which
 * is cut off. Before any use, the header must match the file being compressed (device, inode, size
 * not below the covered length, the CRC32C of the covered range's last block, codec and level); on
 * any doubt the partial is deleted and the file is compressed from scratch.
 *
 * <p>Callers hold the {@link AheadLock}. Runs on the calling (worker) thread: file I/O, fsync and
 * compression.
 */
public final class AheadPartial {
  /** Uncompressed bytes per span by default: only whole spans are compressed ahead. */
  public static final long FRAME_SPAN = 16L << 20;

  /** The smallest span: the block whose CRC vouches for the covered range. */
  public static final long MIN_FRAME_SPAN = 4L << 10;

  /** The largest span: beyond it a partial would rarely cover anything before a rotation. */
  public static final long MAX_FRAME_SPAN = 1L << 30;

  static final int CHECK_BLOCK = 4096;
  private static final String MARK = ".fleetrotate-partial";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(AheadPartial.class);
  private static final Object AGENT_UID = agentUid();
  private static final LongAdder HAND_OVERS = new LongAdder();
  private static final LongAdder REUSED_BYTES = new LongAdder();

  private final Path live;
  private final String mark;
  private final Path header;
  private final Compressor compressor;
  private final long frameSpan;

  /** Where the last look found no whole frame to add; empty when the next pass must look. */
  private Optional<Idle> idle = Optional.empty();

  /** The log's bytes past the covered length before and after the last frame added; 0: none. */
  private long lagBefore;

  private long lagAfter;

  AheadPartial(Path live, Path stateDir, Compressor compressor, long frameSpan) {
    if (frameSpan < MIN_FRAME_SPAN || frameSpan > MAX_FRAME_SPAN) {
      throw new IllegalArgumentException(
          "frame span " + frameSpan + " is outside " + MIN_FRAME_SPAN + ".." + MAX_FRAME_SPAN);
    }
    this.live = live;
    this.mark = MARK + "-" + agentTag(stateDir);
    this.header = live.resolveSibling("." + live.getFileName() + mark + ".json");
    this.compressor = compressor;
    this.frameSpan = frameSpan;
  }

  /**
   * The partial of {@code live}, whether or not it exists yet, in frames of {@link #FRAME_SPAN}.
   */
  public static AheadPartial of(Path live, Path stateDir, Compressor compressor) {
    return of(live, stateDir, compressor, FRAME_SPAN);
  }

  /**
   * As above, in frames of {@code frameSpan} uncompressed bytes ({@link #MIN_FRAME_SPAN}..{@link
   * #MAX_FRAME_SPAN}). The span shapes only the frames written; a partial made with another span is
   * handed over all the same.
   */
  public static AheadPartial of(Path live, Path stateDir, Compressor compressor, long frameSpan) {
    return new AheadPartial(live, stateDir, compressor, frameSpan);
  }

  /**
   * The agent's part of its partials' names: 12 hex digits of the SHA-256 of this host's name and
   * the agent's state directory, so the daemon and a {@code rotate} command of one agent share a
   * partial and no two agents do.
   */
  public static String agentTag(Path stateDir) {
    String who = ProcFs.hostname() + "\0" + stateDir.toAbsolutePath().normalize();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(who.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Partials handed over to a rotation by this process since it started. */
  public static long handOvers() {
    return HAND_OVERS.sum();
  }

  /** Uncompressed bytes those partials covered: compressed ahead instead of at rotation. */
  public static long reusedBytes() {
    return REUSED_BYTES.sum();
  }

  /** Whether a file name is one of a partial's files (never a log to rotate). */
  public static boolean isPartialFile(String fileName) {
    return fileName.startsWith(".") && fileName.contains(MARK);
  }

  Path data(CompressionRequest request) {
    return live.resolveSibling("." + live.getFileName() + mark + request.codec().fileExtension());
  }

  Path header() {
    return header;
  }

  /**
   * Whether the last look found no whole frame to add and, by one stat of the log and one of the
   * header, nothing has changed that: the same file, grown but not by a frame, the partial
   * untouched by a rotation. Read-only, so it needs no {@link AheadLock}.
   */
  public boolean idle() throws IOException {
    return idle.isPresent() && idle.get().stillIdle(live, header);
  }

  /**
   * Compresses the live log's next whole span into the partial, if the log has one beyond what the
   * partial covers; a partial that no longer matches the log is discarded first.
   *
   * @return whether a frame was added (call again to catch up)
   */
  public boolean advance(CompressionRequest request) throws IOException {
    lagBefore = 0;
    lagAfter = 0;
    if (idle()) {
      return false;
    }
    idle = Optional.empty();
    FileHandle source;
    try {
      source = FileHandle.openForReading(live);
    } catch (NoSuchFileException | FileHandle.NotARegularFileException gone) {
      return false;
    }
    try (source) {
      long size = source.size();
      Optional<PartialHeader> h = readHeader();
      if (h.isPresent()) {
        Optional<String> doubt =
            doubt(h.get(), source.opened().identity(), size, source::read, request);
        if (doubt.isPresent()) {
          discard(doubt.get());
          h = Optional.empty();
        }
      }
      long covered = h.map(PartialHeader::covered).orElse(0L);
      if (size - covered < frameSpan) {
        idle = Idle.of(source.opened().identity().inode(), size, covered + frameSpan, header);
        return false;
      }
      Path data = data(request);
      if (h.isEmpty()) {
        Files.deleteIfExists(data); // frames no header vouches for
        deleteLegacyPartial();
      }
      try (FileChannel out =
          FileChannel.open(
              data,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        long start = h.map(PartialHeader::compressedLength).orElse(0L);
        out.truncate(start); // a frame torn by a kill after the last header
        out.position(start);
        long end = covered + frameSpan;
        long endCrc = lastBlockCrc(source::read, end);
        compressor.appendFrame(source::read, covered, end, out, request);
        long sizeAfter = source.size();
        // Another agent on a shared volume may collapse or truncate the log while the frame is
        // read: the blocks on both sides of the read must hold what they held before it.
        if (sizeAfter < end
            || lastBlockCrc(source::read, end) != endCrc
            || h.isPresent() && lastBlockCrc(source::read, covered) != h.get().lastBlockCrc()) {
          out.close();
          discard("the log changed while a frame of it was compressed");
          return false;
        }
        Durable.SYSTEM.fsync(data, () -> out.force(true));
        FileHandle.FileIdentity id = source.opened().identity();
        writeHeader(
            new PartialHeader(
                PartialHeader.VERSION,
                id.device(),
                id.inode(),
                end,
                out.size(),
                endCrc,
                request.codec().name(),
                request.level()));
        lagBefore = size - covered;
        lagAfter = sizeAfter - end;
      }
      return true;
    }
  }

  /**
   * Whether the log is written faster than this partial is compressed: when {@link #advance} last
   * added a frame, at least {@code spans} whole spans were left uncovered after it, and no fewer
   * bytes than before it (the log grew by a span or more while one span was compressed). False when
   * the last advance added nothing.
   */
  public boolean fallingBehind(int spans) {
    return lagAfter > 0 && lagAfter >= spans * frameSpan && lagAfter >= lagBefore;
  }

  /**
   * How many of the first bytes of {@code source} (read from the file {@code coveredFile}, {@code
   * size} bytes long) the partial holds, if it can be trusted to; changes nothing either way.
   */
  public OptionalLong covers(
      RangeSource source,
      FileHandle.FileIdentity coveredFile,
      long size,
      CompressionRequest request)
      throws IOException {
    Optional<PartialHeader> h = readHeader();
    if (h.isEmpty() || doubt(h.get(), coveredFile, size, source, request).isPresent()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(h.get().covered());
  }

  /**
   * Takes the partial for a rotation's compressed backup: when it covers a prefix of {@code source}
   * (whose bytes came from the file {@code coveredFile}: the same file after a rename, the live
   * file for a copy), its frames are renamed to {@code tmp}, cut to what the header counts, and
   * returned open for the rest. Otherwise the partial is discarded and the result is empty.
   */
  public Optional<AheadBackup> claim(
      RangeSource source,
      FileHandle.FileIdentity coveredFile,
      long size,
      Path tmp,
      CompressionRequest request)
      throws IOException {
    Optional<PartialHeader> h = readHeader();
    if (h.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> doubt = doubt(h.get(), coveredFile, size, source, request);
    if (doubt.isPresent()) {
      discard(doubt.get());
      return Optional.empty();
    }
    Durable.SYSTEM.rename(data(request), tmp);
    Files.deleteIfExists(header);
    FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try {
      out.truncate(h.get().compressedLength());
      out.position(h.get().compressedLength());
    } catch (IOException e) {
      out.close();
      throw e;
    }
    HAND_OVERS.increment();
    REUSED_BYTES.add(h.get().covered());
    log.info(
        "reusing the compress-ahead partial of {}: {} of {} bytes are already compressed",
        live,
        h.get().covered(),
        size);
    return Optional.of(
        new AheadBackup(
            tmp, out, compressor.keepingFrames(), request, frameSpan, h.get().covered()));
  }

  /**
   * Hands the partial over to a rotation: {@link #claim}s it and compresses the rest of {@code
   * source} onto it, then fsyncs {@code tmp}.
   *
   * @return the result, or empty when the caller must compress {@code source} from scratch (no
   *     partial, a partial in doubt, or a failure while finishing it; {@code tmp} is then gone)
   */
  public Optional<CompressionResult> handOver(
      RangeSource source,
      FileHandle.FileIdentity coveredFile,
      long size,
      Path tmp,
      CompressionRequest request) {
    long started = System.nanoTime();
    try {
      Optional<AheadBackup> claimed = claim(source, coveredFile, size, tmp, request);
      if (claimed.isEmpty()) {
        return Optional.empty();
      }
      try (AheadBackup out = claimed.get()) {
        out.appendFrom(source, size);
        out.fsync();
        return Optional.of(
            new CompressionResult(
                request.codec(),
                request.level(),
                size,
                out.compressedSize(),
                Duration.ofNanos(System.nanoTime() - started),
                Optional.empty()));
      }
    } catch (IOException e) {
      log.warn(
          "could not finish the backup of {} from its compress-ahead partial ({}); compressing it"
              + " from scratch",
          live,
          e.toString());
      try {
        Files.deleteIfExists(tmp);
        discard("it could not be used");
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      return Optional.empty();
    }
  }

  /**
   * Why {@code h} cannot be trusted to cover the first bytes of {@code source}; empty if it can.
   */
  private Optional<String> doubt(
      PartialHeader h,
      FileHandle.FileIdentity file,
      long size,
      RangeSource source,
      CompressionRequest request)
      throws IOException {
    if (h.version() != PartialHeader.VERSION) {
      return Optional.of("its header has version " + h.version());
    }
    if (h.device() != file.device() || h.inode() != file.inode()) {
      return Optional.of("it was written from another file (the log was replaced)");
    }
    if (!h.codec().equals(request.codec().name()) || h.level() != request.level()) {
      return Optional.of("it was written with another codec or level");
    }
    if (size < h.covered()) {
      return Optional.of(
          "the log holds " + size + " bytes, fewer than the " + h.covered() + " it covers");
    }
    long length;
    try {
      length = Files.size(data(request));
    } catch (NoSuchFileException e) {
      return Optional.of("its frames are missing");
    }
    if (length < h.compressedLength()) {
      return Optional.of("its frames are shorter than its header says");
    }
    // The log's directory may be writable by a less trusted user: frames under a second name or
    // another owner are not the ones this agent wrote.
    java.util.Map<String, Object> owner =
        Files.readAttributes(data(request), "unix:nlink,uid", LinkOption.NOFOLLOW_LINKS);
    if (!Integer.valueOf(1).equals(owner.get("nlink")) || !owner.get("uid").equals(AGENT_UID)) {
      return Optional.of("its frames have another link or another owner than this agent");
    }
    if (lastBlockCrc(source, h.covered()) != h.lastBlockCrc()) {
      return Optional.of("the log's bytes before " + h.covered() + " were rewritten");
    }
    return Optional.empty();
  }

  /**
   * Deletes the partial files of {@code live} named as the release before per-agent partials named
   * them ({@code .<log>.fleetrotate-partial.zst}, {@code .gz}, {@code .json}), which nothing reads
   * any more and which would otherwise stay forever. Only these exact names: a symbolic link among
   * them is unlinked, never followed; a directory is left alone. An agent of that release still
   * running on a shared volume loses only its cache: its checks find the frames gone.
   */
  private void deleteLegacyPartial() {
    for (String ext : new String[] {".zst", ".gz", ".json"}) {
      Path legacy = live.resolveSibling("." + live.getFileName() + MARK + ext);
      try {
        if (Files.isDirectory(legacy, LinkOption.NOFOLLOW_LINKS)) {
          log.debug("left {} alone: a directory, not an earlier release's partial", legacy);
        } else if (Files.deleteIfExists(legacy)) {
          log.info("deleted {}, a compress-ahead partial named by an earlier release", legacy);
        }
      } catch (IOException e) {
        log.info(
            "cannot delete {}, an earlier release's compress-ahead partial: {}",
            legacy,
            e.toString());
      }
    }
  }

  /** Deletes the partial (both files); nothing depends on it. */
  void discard(String why) throws IOException {
    log.info("discarding the compress-ahead partial of {}: {}", live, why);
    for (String ext : new String[] {".zst", ".gz"}) {
      Files.deleteIfExists(live.resolveSibling("." + live.getFileName() + mark + ext));
    }
    Files.deleteIfExists(header);
  }

  private Optional<PartialHeader> readHeader() throws IOException {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(header), PartialHeader.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      discard("its header is unreadable (" + e.getOriginalMessage() + ")");
      return Optional.empty();
    }
  }

  private void writeHeader(PartialHeader h) throws IOException {
    Durable.SYSTEM.replace(header, JSON.writeValueAsBytes(h));
  }

  private static Object agentUid() {
    try {
      return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      return -1; // never matches: no partial is trusted
    }
  }

  /**
   * A look that found no whole frame to add: the log's inode and size then, the size at which the
   * next frame is whole, and the header's modification time (null: no header). While the same file
   * has grown but not to that size and the header is untouched (no rotation handed it over, no
   * discard), the next look would find nothing either; anything else, and it looks.
   */
  private record Idle(long inode, long size, long dueAt, FileTime headerTime) {
    static Optional<Idle> of(long inode, long size, long dueAt, Path header) throws IOException {
      return Optional.of(new Idle(inode, size, dueAt, modified(header)));
    }

    boolean stillIdle(Path live, Path header) throws IOException {
      Map<String, Object> now;
      try {
        now = Files.readAttributes(live, "unix:ino,size", LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException gone) {
        return false;
      }
      long grown = (Long) now.get("size");
      return (Long) now.get("ino") == inode
          && grown >= size
          && grown < dueAt
          && Objects.equals(modified(header), headerTime);
    }

    private static FileTime modified(Path header) throws IOException {
      try {
        return Files.getLastModifiedTime(header, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException absent) {
        return null;
      }
    }
  }

  static long lastBlockCrc(RangeSource source, long end) throws IOException {
    int n = (int) Math.min(CHECK_BLOCK, end);
    ByteBuffer block = ByteBuffer.allocate(n);
    long at = end - n;
    while (block.hasRemaining()) {
      int read = source.read(block, at + block.position());
      if (read <= 0) {
        return -1; // shorter than the header says: never matches a stored CRC
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(block.flip());
    return crc.getValue();
  }
}
