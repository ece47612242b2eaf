package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.MIB;
import static io.fleetrotate.agent.compress.CompressionFixtures.ZSTD_MAGIC;
import static io.fleetrotate.agent.compress.CompressionFixtures.mixedFile;
import static io.fleetrotate.agent.compress.CompressionFixtures.randomFile;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static io.fleetrotate.agent.compress.CompressionFixtures.sha256;
import static io.fleetrotate.agent.compress.CompressionFixtures.startsWith;
import static io.fleetrotate.agent.compress.CompressionFixtures.zstdCliCompress;
import static io.fleetrotate.agent.compress.CompressionFixtures.zstdCliDecompress;
import static io.fleetrotate.agent.compress.CompressionFixtures.zstdCliList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressorZstdTest {

  @TempDir Path dir;

  private final Compressor compressor = new Compressor();

  private CompressionResult compress(Path source, Path target) throws CompressionFailure {
    return compressor.compress(source, target, CompressionRequest.zstd(3), ProgressListener.NONE);
  }

  @Test
  void realisticLogRoundTripsThroughTheZstdCli() throws Exception {
    Path source = realisticLog(dir, "server.log", 4);
    Path target = dir.resolve("server.log.zst.tmp");

    CompressionResult result = compress(source, target);

    assertThat(result.codecUsed()).isEqualTo(Codec.ZSTD);
    assertThat(result.fallbackReason()).isEmpty();
    assertThat(result.level()).isEqualTo(3);
    assertThat(result.bytesIn()).isEqualTo(Files.size(source));
    assertThat(result.bytesOut()).isEqualTo(Files.size(target));
    assertThat(result.ratio()).isLessThan(0.4);
    assertThat(Files.mismatch(zstdCliDecompress(target), source)).isEqualTo(-1L);
  }

  @Test
  void frameRecordsContentSizeAndChecksumLikeTheCli() throws Exception {
    Path source = realisticLog(dir, "server.log", 1);
    Path target = dir.resolve("server.log.zst");

    compress(source, target);

    String listing = zstdCliList(target);
    assertThat(listing).contains("Check: XXH64").contains("(" + Files.size(source) + " B)");
  }

  @Test
  void randomBytesRoundTripThroughTheZstdCli() throws Exception {
    Path source = randomFile(dir, "noise.bin", 3 * MIB + 17, 1);
    Path target = dir.resolve("noise.bin.zst");

    compress(source, target);

    assertThat(Files.mismatch(zstdCliDecompress(target), source)).isEqualTo(-1L);
  }

  @Test
  void emptyFileBecomesAValidEmptyFrame() throws Exception {
    Path source = Files.createFile(dir.resolve("empty.log"));
    Path target = dir.resolve("empty.log.zst");

    CompressionResult result = compress(source, target);

    assertThat(result.bytesIn()).isZero();
    assertThat(startsWith(target, ZSTD_MAGIC)).isTrue();
    assertThat(zstdCliDecompress(target)).isEmptyFile();
  }

  @Test
  void oneByteFileRoundTrips() throws Exception {
    Path source = Files.write(dir.resolve("one.log"), new byte[] {'x'});
    Path target = dir.resolve("one.log.zst");

    compress(source, target);

    assertThat(zstdCliDecompress(target)).hasBinaryContent(new byte[] {'x'});
  }

  @Test
  void fileMuchLargerThanTheBuffersRoundTripsAndTheSourceIsUntouched() throws Exception {
    Path source = mixedFile(dir, "big.log", 20);
    String before = sha256(source);
    long modified = Files.getLastModifiedTime(source).toMillis();
    Path target = dir.resolve("big.log.zst");

    CompressionResult result = compress(source, target);

    assertThat(result.bytesIn())
        .isEqualTo(Files.size(source))
        .isGreaterThan(20L * Compressor.READ_BUFFER_BYTES);
    assertThat(Files.mismatch(zstdCliDecompress(target), source)).isEqualTo(-1L);
    assertThat(sha256(source)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(source).toMillis()).isEqualTo(modified);
  }

  @Test
  void compressedSizeIsWithinTwoPercentOfTheCliAtTheSameLevel() throws Exception {
    Path source = realisticLog(dir, "server.log", 16);
    Path target = dir.resolve("server.log.zst");

    CompressionResult ours = compress(source, target);
    long cli = Files.size(zstdCliCompress(source, 3));

    assertThat((double) ours.bytesOut()).isBetween(cli * 0.98, cli * 1.02);
  }

  @Test
  void existingTargetIsReplacedNotAppendedTo() throws Exception {
    Path source = realisticLog(dir, "server.log", 0.25);
    Path target = randomFile(dir, "leftover.zst.tmp", 2 * MIB, 3);

    CompressionResult result = compress(source, target);

    assertThat(Files.size(target)).isEqualTo(result.bytesOut()).isLessThan(2L * MIB);
    assertThat(Files.mismatch(zstdCliDecompress(target), source)).isEqualTo(-1L);
  }

  @Test
  void targetThatIsTheSourceIsRefusedAndTheSourceKept() throws Exception {
    Path source = realisticLog(dir, "server.log", 0.25);
    String before = sha256(source);

    assertThatThrownBy(() -> compress(source, source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is the source file itself");
    assertThat(sha256(source)).isEqualTo(before);
  }

  @Test
  void missingSourceIsAnIoErrorAndCreatesNoTarget() {
    Path target = dir.resolve("gone.log.zst");

    assertThatThrownBy(() -> compress(dir.resolve("gone.log"), target))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.IO_ERROR))
        .hasMessageContaining("gone.log");
    assertThat(target).doesNotExist();
  }

  @Test
  void nativeZstdLoadsOnThisMachine() {
    assertThat(ZstdAvailability.NativeProbe.RESULT).isEmpty();
  }
}
