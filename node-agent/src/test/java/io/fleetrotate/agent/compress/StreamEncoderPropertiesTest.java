package io.fleetrotate.agent.compress;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The encoders must produce the same bytes back whatever chunks the input arrives in, including
 * empty chunks and chunks that reuse one buffer (as the Compressor's read loop does).
 */
class StreamEncoderPropertiesTest {

  @Property(tries = 60)
  void gzipRoundTripsWhateverTheChunking(
      @ForAll("content") byte[] content,
      @ForAll("chunkSizes") List<Integer> chunkSizes,
      @ForAll @IntRange(min = 1, max = 9) int level)
      throws IOException {
    byte[] compressed = encode(sink -> new GzipStreamEncoder(sink, level), content, chunkSizes);

    assertThat(decode(new GZIPInputStream(new ByteArrayInputStream(compressed))))
        .isEqualTo(content);
  }

  @Property(tries = 60)
  void zstdRoundTripsWhateverTheChunking(
      @ForAll("content") byte[] content,
      @ForAll("chunkSizes") List<Integer> chunkSizes,
      @ForAll @IntRange(min = 1, max = 19) int level)
      throws IOException {
    byte[] compressed =
        encode(
            sink -> ZstdStreamEncoder.factory(0).open(sink, level, content.length),
            content,
            chunkSizes);

    assertThat(decode(new ZstdInputStream(new ByteArrayInputStream(compressed))))
        .isEqualTo(content);
  }

  /** Frames of whatever chunks arrive, through a kept context (see ZstdFrameEncoderTest). */
  @Property(tries = 30)
  void zstdFramesRoundTripWhateverTheChunking(
      @ForAll("content") byte[] content,
      @ForAll("chunkSizes") List<Integer> chunkSizes,
      @ForAll @IntRange(min = 1, max = 19) int level)
      throws IOException {
    ZstdFrameEncoder.Frames kept = ZstdFrameEncoder.Frames.kept();
    try {
      byte[] compressed =
          encode(sink -> kept.open(sink, level, content.length), content, chunkSizes);

      assertThat(decode(new ZstdInputStream(new ByteArrayInputStream(compressed))))
          .isEqualTo(content);
    } finally {
      kept.release();
    }
  }

  @Provide
  Arbitrary<byte[]> content() {
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300_000);
    Arbitrary<byte[]> text =
        Arbitraries.strings()
            .withChars("{}\":,abcdefINFOWARN0123456789 \n")
            .ofMaxLength(300_000)
            .map(s -> s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return Arbitraries.oneOf(noise, text);
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(0, 70_000).list().ofMinSize(1).ofMaxSize(8);
  }

  private interface EncoderOpener {
    StreamEncoder open(CompressedSink sink) throws IOException;
  }

  /** Feeds {@code content} through one reused direct buffer, cycling through the chunk sizes. */
  private static byte[] encode(EncoderOpener opener, byte[] content, List<Integer> chunkSizes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WritableByteChannel channel = Channels.newChannel(out);
    ByteBuffer buffer = ByteBuffer.allocateDirect(70_000);
    try (StreamEncoder encoder =
        opener.open(
            compressed -> {
              while (compressed.hasRemaining()) {
                channel.write(compressed);
              }
            })) {
      int offset = 0;
      int turn = 0;
      while (offset < content.length || turn == 0) {
        int length = Math.min(chunkSizes.get(turn++ % chunkSizes.size()), content.length - offset);
        buffer.clear();
        buffer.put(content, offset, length);
        buffer.flip();
        encoder.encode(buffer);
        assertThat(buffer.hasRemaining()).isFalse();
        offset += length;
        if (turn > 10_000) {
          break; // only zero-length chunks were drawn
        }
      }
      while (offset < content.length) {
        // Only zero-length chunks were drawn: feed the rest in buffer-sized pieces.
        int length = Math.min(buffer.capacity(), content.length - offset);
        buffer.clear();
        buffer.put(content, offset, length);
        buffer.flip();
        encoder.encode(buffer);
        offset += length;
      }
      buffer.clear(); // as the read loop does at EOF: the encoder must not look at it again
      encoder.finish();
    }
    return out.toByteArray();
  }

  private static byte[] decode(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
