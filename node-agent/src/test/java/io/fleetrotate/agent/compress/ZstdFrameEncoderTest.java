package io.fleetrotate.agent.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Each encoded input becomes frames of at most 1 MiB, each byte for byte what a context of its own,
 * set up here independently of the encoder, makes of that slice at the level asked for (with the
 * checksum and content size the CLI writes), whatever an earlier stream on the kept context did:
 * another level, a sink that failed half way, a release.
 */
class ZstdFrameEncoderTest {

  @Property(tries = 20)
  void framesAreWhatAContextOfTheirOwnWritesWhateverCameBefore(
      @ForAll @IntRange(min = 0, max = 2_700_000) int size,
      @ForAll @IntRange(min = 1, max = 19) int abandonedLevel,
      @ForAll @IntRange(min = 1, max = 19) int level,
      @ForAll long seed)
      throws IOException {
    byte[] content = logLike(size, seed);
    ZstdFrameEncoder.Frames kept = ZstdFrameEncoder.Frames.kept();
    try {
      int[] writes = {0};
      try (StreamEncoder failing =
          kept.open(
              compressed -> {
                if (++writes[0] == 2) {
                  throw new IOException("disk full (test)");
                }
              },
              abandonedLevel,
              content.length)) {
        assertThatThrownBy(() -> failing.encode(direct(logLike(3 << 20, ~seed))))
            .isInstanceOf(IOException.class);
      }

      byte[] again = encode(kept, level, content);
      assertThat(again).isEqualTo(reference(content, level));
      assertThat(decode(again)).isEqualTo(content);

      kept.release();
      assertThat(encode(kept, level, content)).isEqualTo(again);
    } finally {
      kept.release();
    }
  }

  @Property(tries = 10)
  void aFreshFactoryWritesWhatAKeptOneWrites(
      @ForAll @IntRange(min = 1, max = 2_200_000) int size,
      @ForAll @IntRange(min = 1, max = 9) int level,
      @ForAll long seed)
      throws IOException {
    byte[] content = logLike(size, seed);
    ZstdFrameEncoder.Frames kept = ZstdFrameEncoder.Frames.kept();
    try {
      assertThat(encode(ZstdFrameEncoder.Frames.fresh(), level, content))
          .isEqualTo(encode(kept, level, content));
    } finally {
      kept.release();
    }
  }

  /** One encode call over all of {@code content}, from one direct buffer. */
  private static byte[] encode(ZstdFrameEncoder.Frames frames, int level, byte[] content)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StreamEncoder encoder =
        frames.open(
            compressed -> {
              byte[] b = new byte[compressed.remaining()];
              compressed.get(b);
              out.writeBytes(b);
            },
            level,
            content.length)) {
      encoder.encode(direct(content));
      encoder.finish();
    }
    return out.toByteArray();
  }

  /** Each 1 MiB slice through a context set up here, with nothing of the encoder's code. */
  private static byte[] reference(byte[] content, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int frame = 1 << 20;
    for (int at = 0; at < content.length; at += frame) {
      try (ZstdCompressCtx context = new ZstdCompressCtx()) {
        context.setLevel(level).setChecksum(true).setContentSize(true);
        out.writeBytes(
            context.compress(
                Arrays.copyOfRange(content, at, Math.min(content.length, at + frame))));
      }
    }
    return out.toByteArray();
  }

  private static byte[] decode(byte[] compressed) throws IOException {
    try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }

  private static ByteBuffer direct(byte[] bytes) {
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  /** JSON lines with repeating keys and varying numbers: compressible, as logs are. */
  private static byte[] logLike(int size, long seed) {
    Random random = new Random(seed);
    String[] tools = {"search", "read_file", "list", "fetch", "write_file"};
    StringBuilder text = new StringBuilder(size + 128);
    for (long seq = 0; text.length() < size; seq++) {
      text.append("{\"seq\":")
          .append(seq)
          .append(",\"tool\":\"")
          .append(tools[random.nextInt(tools.length)])
          .append("\",\"ms\":")
          .append(random.nextInt(5000))
          .append(",\"id\":\"")
          .append(Long.toHexString(random.nextLong()))
          .append("\"}\n");
    }
    return Arrays.copyOf(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), size);
  }
}
