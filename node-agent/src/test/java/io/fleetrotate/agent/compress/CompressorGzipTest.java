package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.GZIP_MAGIC;
import static io.fleetrotate.agent.compress.CompressionFixtures.gunzipWithCli;
import static io.fleetrotate.agent.compress.CompressionFixtures.gunzipWithJdk;
import static io.fleetrotate.agent.compress.CompressionFixtures.mixedFile;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static io.fleetrotate.agent.compress.CompressionFixtures.sha256;
import static io.fleetrotate.agent.compress.CompressionFixtures.startsWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressorGzipTest {

  @TempDir Path dir;

  private final Compressor compressor = new Compressor();

  @Test
  void realisticLogRoundTripsThroughGzipInputStreamAndTheGzipCli() throws Exception {
    Path source = realisticLog(dir, "server.log", 4);
    Path target = dir.resolve("server.log.gz");

    CompressionResult result =
        compressor.compress(
            source, target, CompressionRequest.of(Codec.GZIP), ProgressListener.NONE);

    assertThat(result.codecUsed()).isEqualTo(Codec.GZIP);
    assertThat(result.level()).isEqualTo(6);
    assertThat(result.fallbackReason()).isEmpty();
    assertThat(result.bytesOut()).isEqualTo(Files.size(target));
    assertThat(startsWith(target, GZIP_MAGIC)).isTrue();
    assertThat(Files.mismatch(gunzipWithJdk(target), source)).isEqualTo(-1L);
    assertThat(Files.mismatch(gunzipWithCli(target), source)).isEqualTo(-1L);
  }

  @Test
  void fileLargerThanTheBuffersRoundTripsAndTheSourceIsUntouched() throws Exception {
    Path source = mixedFile(dir, "big.log", 20);
    String before = sha256(source);
    Path target = dir.resolve("big.log.gz");

    CompressionResult result =
        compressor.compress(source, target, CompressionRequest.gzip(1), ProgressListener.NONE);

    assertThat(result.bytesIn())
        .isEqualTo(Files.size(source))
        .isGreaterThan(20L * Compressor.READ_BUFFER_BYTES);
    assertThat(Files.mismatch(gunzipWithJdk(target), source)).isEqualTo(-1L);
    assertThat(sha256(source)).isEqualTo(before);
  }

  @Test
  void higherLevelWritesNoMoreBytes() throws Exception {
    Path source = realisticLog(dir, "server.log", 2);

    long fastest =
        compressor
            .compress(
                source, dir.resolve("1.gz"), CompressionRequest.gzip(1), ProgressListener.NONE)
            .bytesOut();
    long smallest =
        compressor
            .compress(
                source, dir.resolve("9.gz"), CompressionRequest.gzip(9), ProgressListener.NONE)
            .bytesOut();

    assertThat(smallest).isLessThan(fastest);
    assertThat(Files.mismatch(gunzipWithJdk(dir.resolve("9.gz")), source)).isEqualTo(-1L);
  }

  @Test
  void emptyAndOneByteFilesRoundTrip() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.log"));
    Path one = Files.write(dir.resolve("one.log"), new byte[] {'\n'});

    compressor.compress(
        empty, dir.resolve("e.gz"), CompressionRequest.gzip(6), ProgressListener.NONE);
    compressor.compress(
        one, dir.resolve("o.gz"), CompressionRequest.gzip(6), ProgressListener.NONE);

    assertThat(gunzipWithCli(dir.resolve("e.gz"))).isEmptyFile();
    assertThat(gunzipWithJdk(dir.resolve("o.gz"))).hasBinaryContent(new byte[] {'\n'});
  }
}
