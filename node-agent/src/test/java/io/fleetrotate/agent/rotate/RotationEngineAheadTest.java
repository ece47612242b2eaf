package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.rotate.live.TestFileSystems;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rotation hands the compress-ahead partial over to the backup, for each way of moving the log:
 * the backup has the partial's frames plus the tail's, and the real {@code zstd -d} decodes it to
 * exactly the rotated bytes.
 */
class RotationEngineAheadTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);
  private final CompressionRequest zstd = CompressionRequest.zstd(3);

  private static byte[] lines(int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      out.writeBytes(
          ("{\"seq\":" + i + ",\"msg\":\"tool call completed\",\"ms\":" + (i % 977) + "}\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  @ParameterizedTest
  @EnumSource(RotationSpec.Move.class)
  void theBackupIsThePartialPlusTheTail(RotationSpec.Move move) throws Exception {
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      Path logs = Files.createDirectories(scratch.path().resolve("logs"));
      Path live = Files.write(logs.resolve("server.log"), lines(0, 700_000));
      AheadPartial partial = AheadPartial.of(live, dir.resolve("state"), new Compressor());
      int spans = 0;
      while (partial.advance(zstd)) {
        spans++;
      }
      assertThat(spans).as("whole 16 MiB spans of a %d-byte log", Files.size(live)).isEqualTo(2);
      byte[] partialFrames;
      try (Stream<Path> files = Files.list(logs)) {
        partialFrames =
            Files.readAllBytes(
                files
                    .filter(p -> AheadPartial.isPartialFile(p.getFileName().toString()))
                    .filter(p -> p.getFileName().toString().endsWith(".zst"))
                    .findFirst()
                    .orElseThrow());
      }
      Files.write(live, lines(700_000, 750_000), StandardOpenOption.APPEND);
      byte[] rotated = Files.readAllBytes(live);

      RotationOutcome o =
          new RotationEngine(
                  dir.resolve("state/journal"), clock, new Compressor(), new LiveFileMoverAdapter())
              .rotate(
                  TestSpecs.zstd(live, move), Trigger.SIZE, TestSpecs.LEASE, ProgressListener.NONE);

      assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
      Path backup = logs.resolve("server.log.20261121-020000.zst");
      byte[] decoded = run("zstd", "-dcq", backup.toString()).getBytes(StandardCharsets.ISO_8859_1);
      if (move == RotationSpec.Move.COLLAPSE) {
        // Collapse keeps the last partial block (and the rest of its line) in the live file.
        assertThat(decoded.length).isGreaterThan(rotated.length - 8192);
        assertThat(java.util.Arrays.copyOf(rotated, decoded.length)).isEqualTo(decoded);
      } else {
        assertThat(decoded).isEqualTo(rotated);
      }
      // The partial's frames reused as they were, the tail's added after them: 1 MiB zstd frames
      // (a collapse adds the rest of the line its cut fell into as one more).
      assertThat(java.util.Arrays.copyOf(Files.readAllBytes(backup), partialFrames.length))
          .isEqualTo(partialFrames);
      if (move != RotationSpec.Move.COLLAPSE) {
        long mib = 1 << 20;
        assertThat(run("zstd", "-lv", backup.toString()))
            .contains("# Zstandard Frames: " + (decoded.length + mib - 1) / mib);
      }
      try (Stream<Path> left = Files.list(logs)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(AheadPartial::isPartialFile);
      }
    }
  }

  /** This process's bytes sent to storage so far ({@code write_bytes} of /proc/self/io). */
  private static long writeBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("write_bytes:")) {
        return Long.parseLong(line.substring("write_bytes:".length()).trim());
      }
    }
    throw new AssertionError("no write_bytes in /proc/self/io");
  }

  /**
   * With a partial, copytruncate and collapse write the compressed backup straight from the live
   * file: the bytes written by the rotation are about the compressed tail's, far below the log's
   * size (an uncompressed copy alone would be all of it), and the backup decodes to exactly the
   * bytes taken out of the live file.
   */
  @ParameterizedTest
  @EnumSource(
      value = RotationSpec.Move.class,
      names = {"COPYTRUNCATE", "COLLAPSE"})
  void aCopyWithAPartialWritesTheCompressedSizeNotTheLogs(RotationSpec.Move move) throws Exception {
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      Path logs = Files.createDirectories(scratch.path().resolve("logs"));
      Path live = Files.write(logs.resolve("server.log"), lines(0, 1_450_000));
      assertThat(Files.size(live))
          .as("64 MiB compressed ahead, the rest not")
          .isGreaterThan(72L << 20);
      // The same rotation without a partial: the uncompressed copy alone writes the whole log.
      Path plain = Files.copy(live, logs.resolve("plain.log"));
      long plainBefore = writeBytes();
      assertThat(
              engine()
                  .rotate(spec(plain, move), Trigger.SIZE, TestSpecs.LEASE, ProgressListener.NONE)
                  .result())
          .isEqualTo(Result.SUCCESS);
      long plainWritten = writeBytes() - plainBefore;
      assertThat(plainWritten).as("a raw copy is counted").isGreaterThan(Files.size(live) * 9 / 10);
      AheadPartial partial = AheadPartial.of(live, dir.resolve("state"), new Compressor());
      while (partial.advance(zstd)) {
        // four whole spans: 64 MiB compressed ahead
      }
      byte[] original = Files.readAllBytes(live);

      long before = writeBytes();
      RotationOutcome o =
          engine().rotate(spec(live, move), Trigger.SIZE, TestSpecs.LEASE, ProgressListener.NONE);
      long written = writeBytes() - before;

      assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
      Path backup = logs.resolve("server.log.20261121-020000.zst");
      System.out.printf(
          "[figure] %s with a partial: %d bytes written for a %d-byte log (%.4fx), backup %d"
              + " bytes; without one: %d bytes written (%.4fx)%n",
          move,
          written,
          original.length,
          (double) written / original.length,
          Files.size(backup),
          plainWritten,
          (double) plainWritten / original.length);
      assertThat(written).as("bytes written by the rotation").isLessThan(original.length * 3L / 10);
      assertThat(logs.resolve("server.log.20261121-020000")).as("no raw copy").doesNotExist();
      byte[] decoded = run("zstd", "-dcq", backup.toString()).getBytes(StandardCharsets.ISO_8859_1);
      byte[] left = Files.readAllBytes(live);
      if (move == RotationSpec.Move.COLLAPSE) {
        // The cut's line was completed into the backup and blanked at the live file's head.
        assertThat(decoded).isEqualTo(java.util.Arrays.copyOf(original, decoded.length));
        int head = new String(left, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        assertThat(java.util.Arrays.copyOfRange(left, 0, head - 1)).containsOnly((byte) ' ');
        assertThat(java.util.Arrays.copyOfRange(left, head, left.length))
            .isEqualTo(java.util.Arrays.copyOfRange(original, decoded.length, original.length));
      } else {
        assertThat(decoded).isEqualTo(original);
        assertThat(left).isEmpty();
      }
      assertThat(run("zstd", "-lv", backup.toString()))
          .as(
              "the partial's four spans were reused (a backup compressed from scratch is one frame)")
          .doesNotContain("# Zstandard Frames: 1\n");
    }
  }

  private RotationEngine engine() {
    return engine(new LiveFileMoverAdapter());
  }

  private RotationEngine engine(LiveMover mover) {
    return new RotationEngine(dir.resolve("state/journal"), clock, new Compressor(), mover);
  }

  private static RotationSpec spec(Path live, RotationSpec.Move move) {
    return TestSpecs.zstd(live, move);
  }

  /** Where {@link CrashingMover} stops the rotation, as a kill would. */
  enum Crash {
    /** MOVING journaled, the partial renamed to the backup's temporary file; nothing copied. */
    AFTER_CLAIM,
    /** COPIED journaled: the compressed prefix is durable, the live file not cut yet. */
    BEFORE_CUT,
    /** The live file cut, the backup not yet under its name, MOVED not journaled. */
    AFTER_CUT
  }

  private static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Killed(Crash where) {
      super("killed " + where);
    }
  }

  /** The real mover, stopped at one point of a move into a backup begun from a partial. */
  private static final class CrashingMover implements LiveMover {
    private final LiveMover real = new LiveFileMoverAdapter();
    private final Crash at;

    CrashingMover(Crash at) {
      this.at = at;
    }

    @Override
    public Moved move(
        io.fleetrotate.agent.rotate.live.FileHandle live,
        Path backup,
        RotationSpec.Move mode,
        io.fleetrotate.agent.rotate.live.NewFileAttributes attributes,
        BeforeCut beforeCut)
        throws java.io.IOException {
      throw new AssertionError("the partial was not used: " + backup + " was copied");
    }

    @Override
    public Moved move(
        io.fleetrotate.agent.rotate.live.FileHandle live,
        io.fleetrotate.agent.rotate.live.BackupWriter backup,
        RotationSpec.Move mode,
        BeforeCut beforeCut)
        throws java.io.IOException {
      if (at == Crash.AFTER_CLAIM) {
        throw new Killed(at);
      }
      real.move(
          live,
          new KeptOnKill(backup),
          mode,
          copied -> {
            beforeCut.run(copied);
            if (at == Crash.BEFORE_CUT) {
              throw new Killed(at);
            }
          });
      throw new Killed(at);
    }
  }

  /** A backup a kill leaves as it is: the mover's clean-up after a failure never runs. */
  private record KeptOnKill(io.fleetrotate.agent.rotate.live.BackupWriter backup)
      implements io.fleetrotate.agent.rotate.live.BackupWriter {
    @Override
    public Path path() {
      return backup.path();
    }

    @Override
    public long end() {
      return backup.end();
    }

    @Override
    public void append(io.fleetrotate.agent.rotate.live.FileHandle live, long to)
        throws java.io.IOException {
      backup.append(live, to);
    }

    @Override
    public void appendQuickly(io.fleetrotate.agent.rotate.live.FileHandle live, long to)
        throws java.io.IOException {
      backup.appendQuickly(live, to);
    }

    @Override
    public void appendBytes(java.nio.ByteBuffer bytes) throws java.io.IOException {
      backup.appendBytes(bytes);
    }

    @Override
    public void fsync() throws java.io.IOException {
      backup.fsync();
    }

    @Override
    public void discard() {}

    @Override
    public void close() throws java.io.IOException {
      backup.close();
    }
  }

  /**
   * A rotation stopped at any point of a move into a backup begun from the partial is undone
   * (before the cut: the live file keeps every byte, no backup and no temporary file stay) or
   * finished (after the cut: the backup decodes to exactly the bytes taken from the live file) by
   * the next run, from its journal.
   */
  @ParameterizedTest(name = "{0}, killed {1}")
  @org.junit.jupiter.params.provider.MethodSource("crashes")
  void aRotationKilledMidMoveIsUndoneOrFinishedFromItsJournal(RotationSpec.Move move, Crash crash)
      throws Exception {
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      Path logs = Files.createDirectories(scratch.path().resolve("logs"));
      Path live = Files.write(logs.resolve("server.log"), lines(0, 400_000));
      AheadPartial partial = AheadPartial.of(live, dir.resolve("state"), new Compressor());
      assertThat(partial.advance(zstd)).isTrue();
      byte[] original = Files.readAllBytes(live);

      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  engine(new CrashingMover(crash))
                      .rotate(
                          spec(live, move), Trigger.SIZE, TestSpecs.LEASE, ProgressListener.NONE))
          .isInstanceOf(Killed.class);
      List<RotationEngine.PendingRotation> pending = engine().pending();
      assertThat(pending).hasSize(1);
      RotationOutcome o = engine().resume(pending.get(0), spec(live, move), TestSpecs.LEASE);

      Path backup = logs.resolve("server.log.20261121-020000.zst");
      try (Stream<Path> left = Files.list(logs)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("no temporary file, no partial, no raw copy")
            .noneMatch(
                n ->
                    AheadPartial.isPartialFile(n)
                        || n.endsWith(".tmp")
                        || n.equals("server.log.20261121-020000"));
      }
      byte[] now = Files.readAllBytes(live);
      if (crash != Crash.AFTER_CUT) {
        assertThat(o.result()).as(o.message()).isEqualTo(Result.SKIPPED);
        assertThat(now).as("the live file keeps every byte").isEqualTo(original);
        assertThat(backup).doesNotExist();
        return;
      }
      assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
      byte[] decoded = run("zstd", "-dcq", backup.toString()).getBytes(StandardCharsets.ISO_8859_1);
      assertThat(run("zstd", "-lv", backup.toString())).doesNotContain("# Zstandard Frames: 1\n");
      assertThat(decoded).isEqualTo(java.util.Arrays.copyOf(original, decoded.length));
      if (move == RotationSpec.Move.COPYTRUNCATE) {
        assertThat(decoded.length).isEqualTo(original.length);
        assertThat(now).isEmpty();
      } else {
        int head = new String(now, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        assertThat(java.util.Arrays.copyOfRange(now, head, now.length))
            .as("the live file holds exactly the bytes after those in the backup")
            .isEqualTo(java.util.Arrays.copyOfRange(original, decoded.length, original.length));
      }
    }
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> crashes() {
    return Stream.of(RotationSpec.Move.COPYTRUNCATE, RotationSpec.Move.COLLAPSE)
        .flatMap(
            m ->
                Stream.of(Crash.values())
                    .map(c -> org.junit.jupiter.params.provider.Arguments.of(m, c)));
  }

  /** gzip keeps working: the partial's members, the tail's and the rest decode with gzip -d. */
  @ParameterizedTest
  @EnumSource(
      value = RotationSpec.Move.class,
      names = {"COPYTRUNCATE", "COLLAPSE"})
  void aGzipCopyFromThePartialDecodesToTheRemovedBytes(RotationSpec.Move move) throws Exception {
    CompressionRequest gzip = CompressionRequest.gzip(6);
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      Path logs = Files.createDirectories(scratch.path().resolve("logs"));
      Path live = Files.write(logs.resolve("server.log"), lines(0, 400_000));
      assertThat(AheadPartial.of(live, dir.resolve("state"), new Compressor()).advance(gzip))
          .isTrue();
      byte[] original = Files.readAllBytes(live);

      RotationOutcome o =
          engine()
              .rotate(
                  TestSpecs.compressed(live, move, gzip),
                  Trigger.SIZE,
                  TestSpecs.LEASE,
                  ProgressListener.NONE);

      assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
      assertThat(o.codec()).isEqualTo(Codec.GZIP);
      Path backup = logs.resolve("server.log.20261121-020000.gz");
      assertThat(o.bytesAfter()).isEqualTo(Files.size(backup));
      byte[] decoded = run("gzip", "-dc", backup.toString()).getBytes(StandardCharsets.ISO_8859_1);
      assertThat(decoded).isEqualTo(java.util.Arrays.copyOf(original, decoded.length));
      byte[] left = Files.readAllBytes(live);
      // A collapse leaves the rest of its cut line, moved to the backup, blanked at the head.
      int head =
          move == RotationSpec.Move.COLLAPSE
              ? new String(left, StandardCharsets.ISO_8859_1).indexOf('\n') + 1
              : 0;
      assertThat(java.util.Arrays.copyOfRange(left, head, left.length))
          .as("every byte is in the backup or still in the live file, once")
          .isEqualTo(java.util.Arrays.copyOfRange(original, decoded.length, original.length));
      try (Stream<Path> files = Files.list(logs)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .noneMatch(n -> AheadPartial.isPartialFile(n) || n.endsWith(".tmp"));
      }
    }
  }
}
