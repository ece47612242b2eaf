package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.MIB;
import static io.fleetrotate.agent.compress.CompressionFixtures.randomFile;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static io.fleetrotate.agent.compress.CompressionFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompressorDiskFullTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
    "ZSTD, No space left on device",
    "ZSTD, Disk quota exceeded",
    "GZIP, No space left on device"
  })
  void fullDiskDeletesThePartialTargetAndDoesNotFallBack(Codec codec, String errno)
      throws Exception {
    Path source = randomFile(dir, "noise.log", 4 * MIB, 11);
    String before = sha256(source);
    Path target = dir.resolve("noise.log.tmp");
    AtomicInteger attempts = new AtomicInteger();
    long[] written = {0};
    Compressor compressor =
        new CompressorBuilder()
            .writePath(FailingEncoders.diskWithCapacity(MIB + 123, errno, attempts, written))
            .build();

    assertThatThrownBy(
            () ->
                compressor.compress(
                    source, target, CompressionRequest.of(codec), ProgressListener.NONE))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.DISK_FULL))
        .hasMessageContaining(errno);
    assertThat(written[0]).as("bytes reached the target before it filled").isEqualTo(MIB + 123);
    assertThat(attempts).as("no second codec tried on a full disk").hasValue(1);
    assertThat(target).doesNotExist();
    assertThat(sha256(source)).isEqualTo(before);
  }

  @Test
  void otherWriteErrorIsAnIoErrorWithoutFallback() throws Exception {
    Path source = realisticLog(dir, "server.log", 4);
    Path target = dir.resolve("server.log.tmp");
    AtomicInteger attempts = new AtomicInteger();
    Compressor compressor =
        new CompressorBuilder()
            .writePath(
                FailingEncoders.diskWithCapacity(
                    100_000, "Input/output error", attempts, new long[1]))
            .build();

    assertThatThrownBy(
            () ->
                compressor.compress(
                    source, target, CompressionRequest.zstd(3), ProgressListener.NONE))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.IO_ERROR))
        .hasMessageContaining("Input/output error");
    assertThat(attempts).hasValue(1);
    assertThat(target).doesNotExist();
  }

  @Test
  void realFullTmpfsIsReportedAsDiskFullAndLeftEmpty() throws Exception {
    Path source = randomFile(dir, "noise.log", 4 * MIB, 12);
    String before = sha256(source);
    Path small = Files.createDirectory(dir.resolve("small-fs"));
    mountTinyTmpfs(small);
    try {
      Path target = small.resolve("noise.log.zst.tmp");

      assertThatThrownBy(
              () ->
                  new Compressor()
                      .compress(source, target, CompressionRequest.zstd(3), ProgressListener.NONE))
          .isInstanceOfSatisfying(
              CompressionFailure.class,
              f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.DISK_FULL))
          .hasMessageContaining("No space left on device");
      try (Stream<Path> left = Files.list(small)) {
        assertThat(left).isEmpty();
      }
      assertThat(Files.getFileStore(small).getUnallocatedSpace()).isGreaterThan(MIB);
      assertThat(sha256(source)).isEqualTo(before);
    } finally {
      run("umount", small.toString());
    }
  }

  /** A 2 MiB tmpfs needs root; without it the test is skipped, or fails on CI (CI=true). */
  private static void mountTinyTmpfs(Path mountPoint) throws Exception {
    String why;
    try {
      String output = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.toString());
      if (output == null) {
        return;
      }
      why = "mount -t tmpfs failed: " + output.strip();
    } catch (IOException e) {
      why = "cannot run mount: " + e.getMessage();
    }
    String reason = "Real disk-full test needs a 2 MiB tmpfs (root, mount allowed); " + why;
    System.out.println(reason);
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    Assumptions.abort(reason);
  }

  /** Runs a command; null when it succeeded, otherwise its output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return "timed out";
    }
    return process.exitValue() == 0 ? null : output;
  }
}
