package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.reopen.NoneReopener;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk during compression on a real size-limited filesystem (a 4 MiB tmpfs): the partial
 * compressed file goes, the uncompressed backup stays whole, the outcome says DISK_FULL.
 */
class DiskFullTest {

  @TempDir Path dir;
  private Path mount;

  private boolean mountTmpfs(Path at) throws Exception {
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", at.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    if (!ok) {
      String why = "cannot mount a small tmpfs (needs root): " + out.trim();
      System.out.println("DiskFullTest: " + why);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; CI must run this test");
      }
    }
    return ok;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFullDiskKeepsTheUncompressedBackupAndLeavesNoPartialFile() throws Exception {
    Path at = Files.createDirectories(dir.resolve("small"));
    if (!mountTmpfs(at)) {
      String why = "a tmpfs mount (root) is needed for a real full disk";
      assertThat("true".equals(System.getenv("CI")))
          .as(why + " (CI=true, which runs as root, so this is a failure)")
          .isFalse();
      assumeTrue(false, why);
    }
    mount = at;
    Path logs = Files.createDirectories(at.resolve("logs"));
    byte[] noise = new byte[3 << 20];
    new Random(7).nextBytes(noise);
    Path live = Files.write(logs.resolve("server.log"), noise);
    String before = sha256(live);

    Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);
    RotationSpec spec =
        new RotationSpec(
            live,
            "g",
            RotationSpec.Move.RENAME,
            NoneReopener.INSTANCE,
            Optional.of(CompressionRequest.zstd(3)),
            false,
            new BackupNaming(live, logs, "yyyyMMdd-HHmmss", ZoneOffset.UTC),
            RetentionPolicy.KEEP_ALL,
            false,
            Duration.ofSeconds(1),
            RotationSpec.NewLiveFile.NONE);
    RotationEngine engine =
        new RotationEngine(
            dir.resolve("journal"), clock, new Compressor(), new LiveFileMoverAdapter());

    RotationOutcome o = engine.rotate(spec, Trigger.SIZE, new FixedLease(), ProgressListener.NONE);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.DISK_FULL);
    assertThat(o.message()).contains("kept");
    Path backup = logs.resolve("server.log.20261121-020000");
    assertThat(sha256(backup)).as("the uncompressed backup is whole").isEqualTo(before);
    try (Stream<Path> s = Files.list(logs)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("server.log.20261121-020000", ".server.log.fence");
    }
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  private static final class FixedLease implements Lease {
    @Override
    public String group() {
      return "g";
    }

    @Override
    public long fencingToken() {
      return 1;
    }

    @Override
    public void checkValid() {}

    @Override
    public void close() {}
  }
}
