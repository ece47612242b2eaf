package io.fleetrotate.agent.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A single RFC 1952 gzip member built from a raw {@link Deflater} over direct buffers, because
 * {@code GZIPOutputStream} neither takes a level nor avoids copying through byte arrays.
 */
final class GzipStreamEncoder implements StreamEncoder {

  static final int OUTPUT_BUFFER_BYTES = 1 << 20;

  // ID1 ID2, CM=deflate, FLG=0, MTIME=0 (unknown), XFL=0, OS=255 (unknown): the same minimal
  // header GZIPOutputStream writes, so outputs are reproducible.
  private static final byte[] HEADER = {
    (byte) 0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
  };
  private static final int TRAILER_BYTES = 8;
  private static final byte[] NO_INPUT = new byte[0];

  private final CompressedSink sink;
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final ByteBuffer output =
      ByteBuffer.allocateDirect(OUTPUT_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private long uncompressedBytes;

  GzipStreamEncoder(CompressedSink sink, int level) {
    this.sink = sink;
    this.deflater = new Deflater(level, true);
    output.put(HEADER);
  }

  static StreamEncoder open(CompressedSink sink, int level, long sourceSize) {
    return new GzipStreamEncoder(sink, level);
  }

  @Override
  public void encode(ByteBuffer input) throws IOException {
    int start = input.position();
    crc.update(input);
    uncompressedBytes += input.position() - start;
    input.position(start);
    deflater.setInput(input);
    while (!deflater.needsInput()) {
      deflater.deflate(output, Deflater.NO_FLUSH);
      if (!output.hasRemaining()) {
        drain();
      }
    }
    // The Deflater keeps a reference to its input buffer; the caller reuses that buffer for the
    // next read, so detach it or finish() would compress whatever the buffer holds by then.
    deflater.setInput(NO_INPUT);
  }

  @Override
  public void finish() throws IOException {
    deflater.finish();
    while (!deflater.finished()) {
      deflater.deflate(output, Deflater.NO_FLUSH);
      if (!output.hasRemaining()) {
        drain();
      }
    }
    if (output.remaining() < TRAILER_BYTES) {
      drain();
    }
    output.putInt((int) crc.getValue());
    output.putInt((int) uncompressedBytes); // ISIZE is the length modulo 2^32
    drain();
  }

  private void drain() throws IOException {
    sink.drain(output);
  }

  @Override
  public void close() {
    deflater.end();
  }
}
