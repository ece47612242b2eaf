package io.fleetrotate.agent.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stored frames (the last bytes before a truncate, written at the speed of a copy) follow
 * compressed ones in one file, and the real {@code zstd -d} / {@code gzip -d} decode the whole to
 * exactly the source, across block boundaries and for an empty range.
 */
class StoredFrameTest {
  @TempDir Path dir;

  private static byte[] source(int bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < bytes; i++) {
      sb.append("{\"seq\":").append(i).append(",\"msg\":\"stored\"}\n");
    }
    return sb.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest
  @EnumSource(
      value = Codec.class,
      names = {"ZSTD", "GZIP"})
  void storedFramesAfterACompressedOneDecodeToTheSource(Codec codec) throws Exception {
    int block = StoredZstdEncoder.BLOCK_BYTES;
    byte[] src = source(3 * block + 5 + (2 << 20));
    RangeSource from =
        (dst, at) -> {
          if (at >= src.length) {
            return -1;
          }
          int n = (int) Math.min(dst.remaining(), src.length - at);
          dst.put(src, (int) at, n);
          return n;
        };
    Compressor compressor = new Compressor();
    CompressionRequest request =
        codec == Codec.ZSTD ? CompressionRequest.zstd(3) : CompressionRequest.gzip(6);
    Path out = dir.resolve("out" + codec.fileExtension());
    long[] cuts = {0, 1000, 1000, 1001, 1001 + block, 1001 + 2L * block + 1, src.length};
    try (FileChannel ch =
        FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      compressor.appendFrame(from, cuts[0], cuts[1], ch, request);
      for (int i = 1; i + 1 < cuts.length; i++) {
        long written = compressor.appendStoredFrame(from, cuts[i], cuts[i + 1], ch, codec);
        assertThat(written)
            .as("stored, not compressed")
            .isGreaterThanOrEqualTo(cuts[i + 1] - cuts[i]);
      }
    }
    String tool = codec == Codec.ZSTD ? "zstd" : "gzip";
    Process p = new ProcessBuilder(tool, "-dc", out.toString()).start();
    byte[] decoded = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(tool + " -dc").isZero();
    assertThat(decoded).isEqualTo(src);
    try (var in = codec.decoding(Files.newInputStream(out))) {
      assertThat(in.readAllBytes()).as("decoded in the agent too").isEqualTo(src);
    }
  }
}
