package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.reopen.NoneReopener;
import io.fleetrotate.agent.rotate.live.TestFileSystems;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who can write the log directory swaps the log for a symbolic link to a file outside it
 * (rename(2) of a prepared link over the log's name, then of a prepared regular file back over it)
 * in a tight loop while the root agent rotates. Whatever the interleaving, the outside file is
 * never written, truncated or collapsed, and its bytes end up in no backup.
 */
class SymlinkSwapRaceTest {

  private static final int ROTATIONS = 60;
  private static final long MAX_SWAPS = 5_000_000;
  private static final Duration MAX_SWAPPING = Duration.ofSeconds(120);
  private static final String SECRET_MARKER = "TOP-SECRET-OUTSIDE-THE-LOG-DIRECTORY";

  @TempDir Path tempDir;

  private static final Lease LEASE = FenceFileTest.lease("g", 42);

  @Test
  void copyTruncateNeverTouchesNorCopiesTheFileASwappedSymlinkPointsTo() throws Exception {
    raceWith(RotationSpec.Move.COPYTRUNCATE, tempDir);
  }

  @Test
  void collapseNeverTouchesNorCopiesTheFileASwappedSymlinkPointsTo() throws Exception {
    try (TestFileSystems.ScratchDir ext4 = TestFileSystems.collapsing(tempDir)) {
      raceWith(RotationSpec.Move.COLLAPSE, ext4.path());
    }
  }

  @Test
  void renameNeverPassesOffASwappedSymlinkAsTheBackupNorCompressesItsTarget() throws Exception {
    raceWith(RotationSpec.Move.RENAME, tempDir);
  }

  private void raceWith(RotationSpec.Move move, Path base) throws Exception {
    Path logs = Files.createDirectories(base.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path outsideDir = Files.createDirectories(base.resolve("outside"));
    byte[] secret = secret();
    Path outside = Files.write(outsideDir.resolve("shadow"), secret);
    Path live = logs.resolve("app.log");
    Files.write(live, logLines(0));

    RotationSpec spec =
        new RotationSpec(
            live,
            "g",
            move,
            NoneReopener.INSTANCE,
            Optional.of(new CompressionRequest(Codec.GZIP, 1, 0)),
            false,
            new BackupNaming(live, logs, "yyyyMMdd-HHmmss", ZoneOffset.UTC),
            RetentionPolicy.KEEP_ALL,
            false,
            Duration.ZERO,
            RotationSpec.NewLiveFile.NONE);
    RotationEngine engine =
        new RotationEngine(
            base.resolve("state/journal"),
            Clock.systemUTC(),
            new Compressor(),
            new LiveFileMoverAdapter());

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong swaps = new AtomicLong();
    List<Throwable> swapperFailures = new ArrayList<>();
    Thread swapper =
        new Thread(
            () -> {
              Path link = logs.resolve(".swap-link");
              Path file = logs.resolve(".swap-file");
              Path spare = outsideDir.resolve("spare");
              long deadline = System.nanoTime() + MAX_SWAPPING.toNanos();
              try {
                for (long i = 0;
                    i < MAX_SWAPS && !stop.get() && System.nanoTime() - deadline < 0;
                    i++) {
                  Files.createSymbolicLink(link, outside);
                  Files.move(link, live, StandardCopyOption.ATOMIC_MOVE);
                  Files.write(file, logLines(i)); // the link stays in place meanwhile
                  Files.move(file, live, StandardCopyOption.ATOMIC_MOVE);
                  // As long with the regular file in place, so that rotations also get through.
                  Files.write(spare, logLines(i));
                  Files.delete(spare);
                  swaps.incrementAndGet();
                }
              } catch (IOException | RuntimeException e) {
                synchronized (swapperFailures) {
                  swapperFailures.add(e);
                }
              }
            },
            "symlink-swapper");
    swapper.setDaemon(true);

    List<RotationOutcome> outcomes = new ArrayList<>();
    swapper.start();
    try {
      for (int i = 0; i < ROTATIONS; i++) {
        // At least one swap between two rotations, so that every rotation races with the swapper.
        long before = swaps.get();
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(1))
            .until(() -> swaps.get() > before || !swapper.isAlive());
        outcomes.add(engine.rotate(spec, Trigger.MANUAL, LEASE, ProgressListener.NONE));
      }
    } finally {
      stop.set(true);
      swapper.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(swapper.isAlive()).as("the swapper stopped").isFalse();
    assertThat(swapperFailures).as("the swapper ran without errors").isEmpty();
    assertThat(swaps.get()).as("swaps during the rotations").isGreaterThanOrEqualTo(ROTATIONS);
    Map<String, Integer> results = new TreeMap<>();
    for (RotationOutcome o : outcomes) {
      String why = o.message().replaceAll("/\\S*", "").replaceAll("[0-9]+", "N");
      results.merge(o.result() + " " + why, 1, Integer::sum);
    }
    System.out.println("[" + move.wireName() + " under a symlink swap] " + results);

    assertThat(Files.readAllBytes(outside))
        .as("the file outside the log directory is byte for byte what it was")
        .isEqualTo(secret);
    assertThat(noBackupHolds(logs, SECRET_MARKER)).isEmpty();
    // A rotation that reports success moved the log it checked, never a link swapped in for it.
    assertThat(outcomes)
        .filteredOn(o -> o.result() == Result.SUCCESS)
        .allSatisfy(
            o ->
                assertThat(Files.isSymbolicLink(o.backup().orElseThrow()))
                    .as("%s is a symbolic link", o.backup().orElseThrow())
                    .isFalse());
    if (move == RotationSpec.Move.RENAME) {
      // The rename comes after several fsyncs, so the swapper nearly always gets in first: then
      // the rename is seen to have moved something else, and the rotation stops there.
      assertThat(outcomes)
          .anySatisfy(
              o ->
                  assertThat(o.result() == Result.SUCCESS || o.message().contains("renamed"))
                      .isTrue());
    } else {
      assertThat(outcomes).anySatisfy(o -> assertThat(o.result()).isEqualTo(Result.SUCCESS));
    }
    assertThat(outcomes)
        .filteredOn(o -> o.result() == Result.FAILED)
        .allSatisfy(o -> assertThat(o.message()).doesNotContain("\n").doesNotContain("Exception"));
  }

  /** The regular files of {@code logs} (decompressed when gzip) that contain {@code marker}. */
  private static List<Path> noBackupHolds(Path logs, String marker) throws IOException {
    List<Path> holding = new ArrayList<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path p : files.toList()) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        byte[] bytes;
        if (p.getFileName().toString().endsWith(".gz")) {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            bytes = in.readAllBytes();
          }
        } else {
          bytes = Files.readAllBytes(p);
        }
        if (new String(bytes, StandardCharsets.ISO_8859_1).contains(marker)) {
          holding.add(p);
        }
      }
    }
    return holding;
  }

  /** Several blocks of text: enough for collapse to cut something. */
  private static byte[] secret() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 64 * 1024; i++) {
      sb.append(SECRET_MARKER).append(' ').append(i).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] logLines(long generation) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 12 * 1024; i++) {
      sb.append("{\"gen\":").append(generation).append(",\"seq\":").append(i).append("}\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
