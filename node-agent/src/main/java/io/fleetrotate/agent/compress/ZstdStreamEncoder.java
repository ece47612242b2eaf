package io.fleetrotate.agent.compress;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

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
  private final Consumer<ZstdCompressCtx> release;

  private ZstdStreamEncoder(
      CompressedSink sink,
      ZstdCompressCtx context,
      ByteBuffer output,
      Consumer<ZstdCompressCtx> release) {
    this.sink = sink;
    this.context = context;
    this.output = output;
    this.release = release;
  }

  /** Each stream with a context and an output buffer of its own, freed when it closes. */
  static Fresh factory(int workers) {
    return new Fresh(workers);
  }

  /** See {@link #factory}; {@link #keeping()} gives the same encoders with a context kept. */
  static final class Fresh implements StreamEncoder.Factory {
    private final int workers;

    private Fresh(int workers) {
      this.workers = workers;
    }

    @Override
    public StreamEncoder open(CompressedSink sink, int level, long sourceSize) {
      return new ZstdStreamEncoder(
          sink,
          configured(new ZstdCompressCtx(), level, sourceSize, workers),
          ByteBuffer.allocateDirect(OUTPUT_BUFFER_BYTES),
          ZstdCompressCtx::close);
    }

    /** Encoders with as many workers that keep one context from stream to stream. */
    Reused keeping() {
      return new Reused(workers);
    }
  }

  /** Sets a new or reset context up for one frame; closes it if that fails. */
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

  /**
   * Streams one after another on one thread, with the context (its window, tables and any worker
   * threads) and the output buffer kept from one stream to the next until {@link #release}:
   * creating them for each 16 MiB frame of compress-ahead cost more in fresh pages than the frame's
   * own reading, and a context with a worker made anew for each frame of a rotation's tail cost
   * 10-40% more CPU than one kept (256 MiB in 16 MiB frames, 2 cores under load). Used by one
   * thread at a time (a hand-over between threads must be ordered, as a Future's result is); one
   * stream open at a time.
   */
  static final class Reused implements StreamEncoder.Factory {
    private final int workers;
    private ZstdCompressCtx idle;
    private ByteBuffer output;

    Reused(int workers) {
      this.workers = workers;
    }

    @Override
    public StreamEncoder open(CompressedSink sink, int level, long sourceSize) {
      ZstdCompressCtx context = idle;
      idle = null;
      if (context == null) {
        context = new ZstdCompressCtx();
      } else {
        context.reset(); // whatever a failed frame left: parameters and session
      }
      if (output == null) {
        output = ByteBuffer.allocateDirect(OUTPUT_BUFFER_BYTES);
      }
      return new ZstdStreamEncoder(
          sink,
          configured(context, level, sourceSize, workers),
          output.clear(),
          done -> idle = done);
    }

    /** Frees the kept context; the next stream makes a new one. */
    void release() {
      if (idle != null) {
        idle.close();
        idle = null;
      }
      output = null;
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
    release.accept(context);
  }
}
