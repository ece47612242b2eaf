package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.GZIP_MAGIC;
import static io.fleetrotate.agent.compress.CompressionFixtures.MIB;
import static io.fleetrotate.agent.compress.CompressionFixtures.gunzipWithJdk;
import static io.fleetrotate.agent.compress.CompressionFixtures.mixedFile;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static io.fleetrotate.agent.compress.CompressionFixtures.sha256;
import static io.fleetrotate.agent.compress.CompressionFixtures.startsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressorFallbackTest {

  @TempDir Path dir;

  @Test
  void unavailableZstdFallsBackToGzipAndSaysWhy() throws Exception {
    Path source = realisticLog(dir, "server.log", 1);
    Path target = dir.resolve("server.log.zst.tmp");
    Compressor compressor =
        new CompressorBuilder()
            .zstd(ZstdAvailability.unavailable("zstd native library unavailable: test"))
            .build();

    CompressionResult result =
        compressor.compress(source, target, CompressionRequest.zstd(3), ProgressListener.NONE);

    assertThat(result.codecUsed()).isEqualTo(Codec.GZIP);
    assertThat(result.level()).isEqualTo(Codec.GZIP.defaultLevel());
    assertThat(result.fallbackReason()).hasValue("zstd native library unavailable: test");
    assertThat(startsWith(target, GZIP_MAGIC)).isTrue();
    assertThat(Files.mismatch(gunzipWithJdk(target), source)).isEqualTo(-1L);
  }

  @Test
  void operatorPropertyDisablesZstd() throws Exception {
    Path source = realisticLog(dir, "server.log", 0.25);
    Path target = dir.resolve("server.log.out");
    String previous = System.setProperty(ZstdAvailability.DISABLE_PROPERTY, "true");
    CompressionResult result;
    try {
      result =
          new Compressor()
              .compress(source, target, CompressionRequest.zstd(3), ProgressListener.NONE);
    } finally {
      if (previous == null) {
        System.clearProperty(ZstdAvailability.DISABLE_PROPERTY);
      } else {
        System.setProperty(ZstdAvailability.DISABLE_PROPERTY, previous);
      }
    }

    assertThat(result.codecUsed()).isEqualTo(Codec.GZIP);
    assertThat(result.fallbackReason())
        .hasValueSatisfying(r -> assertThat(r).contains(ZstdAvailability.DISABLE_PROPERTY));
    assertThat(Files.mismatch(gunzipWithJdk(target), source)).isEqualTo(-1L);
  }

  @Test
  void zstdFailingMidStreamIsReplacedByACompleteGzipFile() throws Exception {
    Path source = mixedFile(dir, "big.log", 8);
    String before = sha256(source);
    Path target = dir.resolve("big.log.tmp");
    AtomicInteger attempts = new AtomicInteger();
    long[] zstdBytesWritten = {0};
    Compressor compressor =
        new CompressorBuilder()
            .zstdEncoders(
                FailingEncoders.failingAfter(
                    ZstdStreamEncoder.factory(0),
                    5L * MIB,
                    () -> new ZstdException(-1, "injected: Corrupted block detected")))
            .writePath(
                FailingEncoders.diskWithCapacity(
                    Long.MAX_VALUE, "unused", attempts, zstdBytesWritten))
            .build();

    CompressionResult result =
        compressor.compress(source, target, CompressionRequest.zstd(3), ProgressListener.NONE);

    assertThat(zstdBytesWritten[0]).as("zstd wrote a partial file first").isGreaterThan(MIB);
    assertThat(attempts).hasValue(2);
    assertThat(result.codecUsed()).isEqualTo(Codec.GZIP);
    assertThat(result.fallbackReason())
        .hasValueSatisfying(r -> assertThat(r).contains("Corrupted block detected"));
    assertThat(startsWith(target, GZIP_MAGIC)).isTrue();
    assertThat(Files.mismatch(gunzipWithJdk(target), source)).isEqualTo(-1L);
    assertThat(sha256(source)).isEqualTo(before);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files)
          .containsExactlyInAnyOrder(source, target, dir.resolve("big.log.tmp.jdk-gunzip"));
    }
  }

  @Test
  void zstdAndGzipBothFailingIsACompressionFailureWithNoTargetLeft() throws Exception {
    Path source = realisticLog(dir, "server.log", 3);
    Path target = dir.resolve("server.log.tmp");
    Compressor compressor =
        new CompressorBuilder()
            .zstdEncoders(
                FailingEncoders.failingAfter(
                    ZstdStreamEncoder.factory(0), MIB, () -> new IOException("zstd broke")))
            .gzipEncoders(
                FailingEncoders.failingAfter(
                    GzipStreamEncoder::open, MIB, () -> new IllegalStateException("zlib broke")))
            .build();

    assertThatThrownBy(
            () ->
                compressor.compress(
                    source, target, CompressionRequest.zstd(3), ProgressListener.NONE))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.COMPRESSION_FAILED))
        .hasMessageContaining("zstd broke")
        .hasMessageContaining("zlib broke");
    assertThat(target).doesNotExist();
  }

  @Test
  void gzipFailingWhenGzipWasRequestedIsACompressionFailure() throws Exception {
    Path source = realisticLog(dir, "server.log", 3);
    Path target = dir.resolve("server.log.gz");
    Compressor compressor =
        new CompressorBuilder()
            .gzipEncoders(
                FailingEncoders.failingAfter(
                    GzipStreamEncoder::open, MIB, () -> new IllegalStateException("zlib broke")))
            .build();

    assertThatThrownBy(
            () ->
                compressor.compress(
                    source, target, CompressionRequest.gzip(6), ProgressListener.NONE))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.COMPRESSION_FAILED));
    assertThat(target).doesNotExist();
  }
}
