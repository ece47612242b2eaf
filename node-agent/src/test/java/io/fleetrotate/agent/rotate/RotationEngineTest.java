package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.reopen.CommandReopener;
import io.fleetrotate.agent.reopen.NoneReopener;
import io.fleetrotate.agent.reopen.Reopener;
import io.fleetrotate.agent.reopen.SignalReopener;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseLostException;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotationEngineTest {

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);

  static final Lease LEASE =
      new Lease() {
        @Override
        public String group() {
          return "g";
        }

        @Override
        public long fencingToken() {
          return 42;
        }

        @Override
        public void checkValid() {}

        @Override
        public void close() {}
      };

  private Path logs() throws IOException {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs);
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    return logs;
  }

  private RotationEngine engine() {
    return new RotationEngine(
        dir.resolve("state/journal"), clock, new Compressor(), new LiveFileMoverAdapter());
  }

  private RotationSpec spec(Path live, Reopener reopener, boolean delay, RetentionPolicy keep) {
    return new RotationSpec(
        live,
        "g",
        RotationSpec.Move.RENAME,
        reopener,
        Optional.of(CompressionRequest.zstd(3)),
        delay,
        new BackupNaming(live, live.getParent(), "yyyyMMdd-HHmmss", ZoneOffset.UTC),
        keep,
        false,
        Duration.ofSeconds(2),
        RotationSpec.NewLiveFile.NONE);
  }

  private static String lines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append("{\"seq\":").append(i).append(",\"msg\":\"tool call completed\"}\n");
    }
    return sb.toString();
  }

  static String zstdDecompress(Path zst) throws Exception {
    Process p = new ProcessBuilder("zstd", "-dcq", zst.toString()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The files in {@code d}, leaving out the fence (see the fencing tests). */
  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> !FenceFile.isFenceFile(p))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void renameRotationCompressesFsyncsAndReportsSizes() throws Exception {
    Path live = Files.writeString(logs().resolve("server.log"), lines(5000));
    long size = Files.size(live);

    RotationOutcome o =
        engine()
            .rotate(
                spec(live, NoneReopener.INSTANCE, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    assertThat(o.codec()).isEqualTo(Codec.ZSTD);
    assertThat(o.bytesBefore()).isEqualTo(size);
    assertThat(o.bytesAfter()).isPositive().isLessThan(size / 5);
    assertThat(o.fencingToken()).isEqualTo(42);
    assertThat(names(live.getParent())).containsExactly("server.log.20261121-020000.zst");
    assertThat(zstdDecompress(live.resolveSibling("server.log.20261121-020000.zst")))
        .isEqualTo(lines(5000));
    // The journal keeps the finished rotation's outcome until its event is kept elsewhere.
    var kept = RotationJournal.pending(dir.resolve("state/journal"));
    assertThat(kept)
        .singleElement()
        .satisfies(p -> assertThat(p.lastStep()).isEqualTo(RotationStep.DONE));
    RotationEngine.PendingRotation finished = engine().pending().get(0);
    assertThat(finished.finished()).contains(o);
    engine().eventKept(o.rotationId());
    assertThat(RotationJournal.pending(dir.resolve("state/journal"))).isEmpty();
  }

  @Test
  void pruningDeletesOnlyThisLogsBackupsBeyondRetention() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(10));
    for (String old :
        List.of(
            "server.log.20261118-020000.zst",
            "server.log.20261119-020000.zst",
            "server.log.20261120-020000.zst")) {
      Files.writeString(logs.resolve(old), "old");
    }
    Files.writeString(logs.resolve("server.log.bak"), "not ours");
    Files.writeString(logs.resolve("other.log.20261101-020000.zst"), "not ours either");

    RetentionPolicy keep2 =
        new RetentionPolicy(OptionalInt.of(2), Optional.empty(), OptionalLong.empty());
    RotationOutcome o =
        engine()
            .rotate(
                spec(live, NoneReopener.INSTANCE, false, keep2),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    assertThat(names(logs))
        .containsExactly(
            "other.log.20261101-020000.zst",
            "server.log.20261120-020000.zst",
            "server.log.20261121-020000.zst",
            "server.log.bak");
  }

  @Test
  void aSymbolicLinkIsNeverRotated() throws Exception {
    Path logs = logs();
    Path real = Files.writeString(logs.resolve("real.log"), lines(10));
    Path link = Files.createSymbolicLink(logs.resolve("server.log"), real);

    RotationOutcome o =
        engine()
            .rotate(
                spec(link, NoneReopener.INSTANCE, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.CONFIG_ERROR);
    assertThat(o.message()).contains("symbolic link");
    assertThat(names(logs)).containsExactly("real.log", "server.log");
    assertThat(Files.readString(real)).isEqualTo(lines(10));
  }

  @Test
  void aWorldWritableDirectoryIsRefusedUnlessAllowed() throws Exception {
    Path open = Files.createDirectories(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path live = Files.writeString(open.resolve("server.log"), lines(10));
    RotationSpec refused = spec(live, NoneReopener.INSTANCE, false, RetentionPolicy.KEEP_ALL);

    RotationOutcome o = engine().rotate(refused, Trigger.SIZE, LEASE, ProgressListener.NONE);
    assertThat(o.reason()).contains(FailureReason.CONFIG_ERROR);
    assertThat(o.message()).contains("world-writable").contains("allowWorldWritable: true");
    assertThat(names(open)).containsExactly("server.log");

    RotationSpec allowed =
        new RotationSpec(
            refused.liveFile(),
            refused.group(),
            refused.move(),
            refused.reopener(),
            refused.compression(),
            false,
            refused.naming(),
            refused.retention(),
            true,
            refused.writerGrace(),
            RotationSpec.NewLiveFile.NONE);
    assertThat(engine().rotate(allowed, Trigger.SIZE, LEASE, ProgressListener.NONE).result())
        .isEqualTo(Result.SUCCESS);
  }

  @Test
  void delayedCompressionKeepsTheNewestBackupPlainUntilTheNextRotation() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    RotationSpec delayed = spec(live, NoneReopener.INSTANCE, true, RetentionPolicy.KEEP_ALL);

    RotationOutcome first = engine().rotate(delayed, Trigger.SIZE, LEASE, ProgressListener.NONE);
    assertThat(first.result()).isEqualTo(Result.SUCCESS);
    assertThat(first.message()).contains("delayed");
    assertThat(names(logs)).containsExactly("server.log.20261121-020000");

    Files.writeString(live, lines(50));
    Clock later = Clock.offset(clock, Duration.ofHours(1));
    RotationEngine engine2 =
        new RotationEngine(
            dir.resolve("state/journal"), later, new Compressor(), new LiveFileMoverAdapter());
    assertThat(engine2.rotate(delayed, Trigger.SIZE, LEASE, ProgressListener.NONE).result())
        .isEqualTo(Result.SUCCESS);
    // The older backup is compressed now; the new newest waits for the next rotation.
    assertThat(names(logs))
        .containsExactly("server.log.20261121-020000.zst", "server.log.20261121-030000");
  }

  @Test
  void retentionNeverDeletesTheBackupWhoseCompressionIsDelayed() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    RotationSpec keepNone =
        spec(
            live,
            NoneReopener.INSTANCE,
            true,
            new RetentionPolicy(
                java.util.OptionalInt.of(0), Optional.empty(), java.util.OptionalLong.empty()));

    RotationOutcome o = engine().rotate(keepNone, Trigger.SIZE, LEASE, ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.SUCCESS);
    // keep: 0 would delete it, but the server may still be writing to it: it stays, whole.
    assertThat(Files.readString(logs.resolve("server.log.20261121-020000"))).isEqualTo(lines(100));
  }

  @Test
  void retentionNeverDeletesABackupAProcessStillHasOpen() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    // A server that did not reopen: it still holds the file that becomes the backup.
    Process holder =
        new ProcessBuilder("sh", "-c", "exec 3>>\"$0\"; sleep 30", live.toString()).start();
    try {
      Path fd3 = Path.of("/proc", Long.toString(holder.pid()), "fd", "3");
      await()
          .atMost(Duration.ofSeconds(10))
          .alias("the holder opened the log")
          .until(() -> Files.exists(fd3, LinkOption.NOFOLLOW_LINKS));
      RotationSpec keepNone =
          spec(
              live,
              NoneReopener.INSTANCE,
              false,
              new RetentionPolicy(
                  java.util.OptionalInt.of(0), Optional.empty(), java.util.OptionalLong.empty()));

      RotationOutcome o = engine().rotate(keepNone, Trigger.SIZE, LEASE, ProgressListener.NONE);

      assertThat(o.result()).isEqualTo(Result.SUCCESS);
      assertThat(o.message()).contains("deferred");
      assertThat(Files.readString(logs.resolve("server.log.20261121-020000")))
          .isEqualTo(lines(100));
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedReopenKeepsTheBackupWholeAndUncompressed() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    // The server cannot be told after the move (its reload command fails).
    Reopener failing = new CommandReopener(List.of("false"), Duration.ofSeconds(10));

    RotationOutcome o =
        engine()
            .rotate(
                spec(live, failing, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.REOPEN_FAILED);
    assertThat(Files.readString(logs.resolve("server.log.20261121-020000"))).isEqualTo(lines(100));
    // As a success's, the failure's outcome stays in its journal until its event is kept.
    RotationEngine.PendingRotation ended = engine().pending().get(0);
    assertThat(ended.lastStep()).isEqualTo(RotationStep.DONE);
    assertThat(ended.finished()).contains(o);
    assertThat(engine().finishedUnreported()).containsExactly(o);
    engine().eventKept(o.rotationId());
    assertThat(RotationJournal.pending(dir.resolve("state/journal"))).isEmpty();
  }

  @Test
  void aPidThatCannotBeSignalledLeavesTheLogWhereItWas() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    Reopener missingPid =
        new SignalReopener("HUP", OptionalLong.empty(), Optional.of(dir.resolve("nope.pid")), live);

    RotationOutcome o =
        engine()
            .rotate(
                spec(live, missingPid, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.REOPEN_FAILED);
    assertThat(o.message()).contains("nope.pid");
    assertThat(Files.readString(live)).isEqualTo(lines(100));
    try (var listing = Files.list(logs)) {
      assertThat(listing.map(f -> f.getFileName().toString())).containsExactly("server.log");
    }
  }

  @Test
  void aLeaseLostBeforeTheMoveTouchesNothing() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    Lease lost =
        new Lease() {
          @Override
          public String group() {
            return "g";
          }

          @Override
          public long fencingToken() {
            return 7;
          }

          @Override
          public void checkValid() throws LeaseLostException {
            throw new LeaseLostException("lease of group g expired");
          }

          @Override
          public void close() {}
        };

    RotationOutcome o =
        engine()
            .rotate(
                spec(live, NoneReopener.INSTANCE, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                lost,
                ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.LEASE_LOST);
    assertThat(names(logs)).containsExactly("server.log");
    assertThat(RotationJournal.pending(dir.resolve("state/journal"))).isEmpty();
  }

  /** The zombie holder: its lease object still says valid, but a newer holder fenced the file. */
  @Test
  void aStaleTokenIsRefusedByTheFenceAndTouchesNothing() throws Exception {
    Path logs = logs();
    Path live = Files.writeString(logs.resolve("server.log"), lines(100));
    FenceFile.of(live, clock).check(FenceFileTest.lease("g", 43));

    RotationOutcome o =
        engine()
            .rotate(
                spec(live, NoneReopener.INSTANCE, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.LEASE_LOST);
    assertThat(o.message()).contains("records token 43").contains("token 42");
    assertThat(names(logs)).containsExactly("server.log");
    assertThat(FenceFile.of(live, clock).read().orElseThrow().token()).isEqualTo(43);
    assertThat(Files.readString(live)).isEqualTo(lines(100));
    // Nothing to resume: the journal only keeps the failure's outcome until its event is kept.
    assertThat(engine().pending())
        .singleElement()
        .satisfies(p -> assertThat(p.finished()).contains(o));
  }

  @Test
  void aRotationRecordsItsTokenInTheFence() throws Exception {
    Path live = Files.writeString(logs().resolve("server.log"), lines(100));
    RotationOutcome o =
        engine()
            .rotate(
                spec(live, NoneReopener.INSTANCE, false, RetentionPolicy.KEEP_ALL),
                Trigger.SIZE,
                LEASE,
                ProgressListener.NONE);
    assertThat(o.succeeded()).isTrue();
    assertThat(FenceFile.of(live, clock).read().orElseThrow().token()).isEqualTo(42);
  }
}
