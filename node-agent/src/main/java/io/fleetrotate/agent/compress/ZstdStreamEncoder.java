package io.fleetrotate.agent.compress;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Zstandard streaming over direct buffers, so neither side is copied through the Java heap. The
 * frame matches what {@code zstd -q -o out.zst file} writes: the source size is pledged up front,
 * which both records it in the frame header and lets zstd pick parameters tuned to that size, and
 * an XXH64 checksum closes the frame. If the source changes size while it is read, zstd refuses the
 * frame (pledged size mismatch) and the Compressor falls back to gzip, which pledges nothing.
 */
final class ZstdStreamEncoder implements StreamEncoder {

  static final int OUTPUT_BUFFER_BYTES = 1 << 20;

  private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);

  private final CompressedSink sink;
  private final ZstdCompressCtx context;
  private final ByteBuffer output;

  private ZstdStreamEncoder(CompressedSink sink, ZstdCompressCtx context, ByteBuffer output) {
    this.sink = sink;
    this.context = context;
    this.output = output;
  }

  /** Each stream with a context and an output buffer of its own, freed when it closes. */
  static StreamEncoder.Factory factory(int workers) {
    return (sink, level, sourceSize) ->
        new ZstdStreamEncoder(
            sink,
            configured(new ZstdCompressCtx(), level, sourceSize, workers),
            ByteBuffer.allocateDirect(OUTPUT_BUFFER_BYTES));
  }

  /** Sets a new context up for one frame; closes it if that fails. */
  private static ZstdCompressCtx configured(
      ZstdCompressCtx context, int level, long sourceSize, int workers) {
    try {
      context.setLevel(level);
      context.setChecksum(true);
      context.setContentSize(true);
      context.setWorkers(workers);
      context.setPledgedSrcSize(sourceSize);
      return context;
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  @Override
  public void encode(ByteBuffer input) throws IOException {
    while (input.hasRemaining()) {
      context.compressDirectByteBufferStream(output, input, EndDirective.CONTINUE);
      // zstd returns once the input is consumed or the output is full; only the latter needs a
      // write, so small inputs accumulate into one large write.
      if (input.hasRemaining() || !output.hasRemaining()) {
        drain();
      }
    }
  }

  @Override
  public void finish() throws IOException {
    boolean flushed;
    do {
      flushed =
          context.compressDirectByteBufferStream(output, NO_INPUT.duplicate(), EndDirective.END);
      drain();
    } while (!flushed);
  }

  private void drain() throws IOException {
    sink.drain(output);
  }

  @Override
  public void close() {
    context.close();
  }
}
