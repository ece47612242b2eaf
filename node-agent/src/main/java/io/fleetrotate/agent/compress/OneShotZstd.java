package io.fleetrotate.agent.compress;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.fleetrotate.agent.os.LibC;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * zstd frames of up to {@link #MAX_SPAN} bytes, each compressed in one call ({@code
 * ZSTD_compress2}) from a buffer holding the whole span, on the calling thread with no worker:
 * compress-ahead's frames. The frame is what the streaming encoder writes (level, content size,
 * XXH64 checksum; zstd sizes its parameters by the span as it does for a pledged size), but zstd
 * neither copies the input into a job buffer of a worker nor wraps it through a streaming window,
 * and no thread hands work to another.
 *
 * <p>Memory: the span's bytes and room for the frame's worst case ({@link Zstd#compressBound}), 16
 * MiB + 64 KiB of address space at the default span, of which only the pages written are resident
 * (the span read, the frame written), plus zstd's context (about 1 MiB at level 3). Both are kept
 * from frame to frame until {@link #release()}, which gives the memory back to the system at once
 * ({@code munmap}; a direct buffer would wait for a garbage collection). The buffer is anonymous
 * memory, never a mapping of the log: a log truncated under a mapping would kill the agent with
 * SIGBUS. Used by one thread at a time; nothing may use a frame's buffer after release.
 */
final class OneShotZstd {

  /** The largest span compressed in one call; larger spans stream (as {@code zstd -T1}). */
  static final int MAX_SPAN = 16 << 20;

  private static final int PROT_READ_WRITE = 0x1 | 0x2;
  private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;

  private ZstdCompressCtx context;
  private com.sun.jna.Pointer mapped;
  private long mappedLength;
  private ByteBuffer input;
  private ByteBuffer output;

  /**
   * Reads {@code [from, to)} of {@code source} (at most {@link #MAX_SPAN} bytes) in reads of {@code
   * chunk} bytes, each one through {@code limiter} when it is not null, then appends one frame of
   * it at {@code target}'s position.
   *
   * @return the compressed bytes appended
   * @throws InterruptedIOException when the calling thread is interrupted between reads
   * @throws IOException when the source ends before {@code to}, or on a read or write failure
   */
  long frame(
      RangeSource source,
      long from,
      long to,
      FileChannel target,
      int level,
      int chunk,
      ThroughputLimiter limiter)
      throws IOException {
    if (to - from > MAX_SPAN || to < from) {
      throw new IllegalArgumentException("a one-shot frame holds at most " + MAX_SPAN + " bytes");
    }
    ensureBuffers();
    ByteBuffer span = input.clear().limit((int) (to - from));
    for (long at = from; at < to; ) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("compressing ahead was interrupted");
      }
      ByteBuffer step = span.slice().limit((int) Math.min(chunk, to - at));
      int read = source.read(step, at);
      if (read <= 0) {
        throw new IOException("the source ended at byte " + at + ", before " + to);
      }
      at += read;
      span.position(span.position() + read);
      if (limiter != null) {
        limiter.acquire(read);
      }
    }
    context.reset();
    context.setLevel(level);
    context.setChecksum(true);
    context.setContentSize(true);
    context.setWorkers(0);
    ByteBuffer frame = output.clear();
    context.compress(frame, span.flip());
    frame.flip();
    int written = frame.remaining();
    while (frame.hasRemaining()) {
      target.write(frame);
    }
    return written;
  }

  private void ensureBuffers() {
    if (context == null) {
      context = new ZstdCompressCtx();
    }
    if (mapped == null) {
      long bound = Zstd.compressBound(MAX_SPAN);
      long length = MAX_SPAN + bound;
      mapped = LibC.INSTANCE.mmap(null, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
      mappedLength = length;
      input = mapped.getByteBuffer(0, MAX_SPAN);
      output = mapped.getByteBuffer(MAX_SPAN, bound);
    }
  }

  /** Frees the context and unmaps the buffer; the next frame makes them anew. */
  void release() {
    if (context != null) {
      context.close();
      context = null;
    }
    if (mapped != null) {
      input = null;
      output = null;
      LibC.INSTANCE.munmap(mapped, mappedLength);
      mapped = null;
    }
  }
}
