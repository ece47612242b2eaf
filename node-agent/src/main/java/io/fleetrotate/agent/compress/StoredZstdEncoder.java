package io.fleetrotate.agent.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Zstandard frame whose blocks are stored, not compressed (RFC 8878 raw blocks): as cheap to
 * write as a copy, and decoded by any zstd like any other frame. For the last few KiB of a log cut
 * while its writer appends, where what counts is how short the copy before the cut is, not size.
 */
final class StoredZstdEncoder implements StreamEncoder {

  /** The largest block a frame with a 128 KiB window may carry. */
  static final int BLOCK_BYTES = 128 << 10;

  // Magic number; a frame header with no content size, checksum or dictionary; a window
  // descriptor of 2^17 bytes (exponent 7, mantissa 0), which bounds the block size.
  private static final byte[] HEADER = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, 0x38};
  private static final int LAST_BLOCK = 1;

  private final CompressedSink sink;
  private final ByteBuffer block =
      ByteBuffer.allocateDirect(3 + BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);

  StoredZstdEncoder(CompressedSink sink) throws IOException {
    this.sink = sink;
    sink.write(ByteBuffer.wrap(HEADER));
    block.position(3);
  }

  static StreamEncoder open(CompressedSink sink, int level, long sourceSize) throws IOException {
    return new StoredZstdEncoder(sink);
  }

  @Override
  public void encode(ByteBuffer input) throws IOException {
    while (input.hasRemaining()) {
      if (!block.hasRemaining()) {
        writeBlock(false);
      }
      ByteBuffer part = input.slice();
      part.limit(Math.min(part.remaining(), block.remaining()));
      block.put(part);
      input.position(input.position() + part.limit());
    }
  }

  @Override
  public void finish() throws IOException {
    writeBlock(true);
  }

  /** Block header: last-block bit, type 0 (raw), size in the upper 21 bits of 3 bytes. */
  private void writeBlock(boolean last) throws IOException {
    int size = block.position() - 3;
    int header = (size << 3) | (last ? LAST_BLOCK : 0);
    block.put(0, (byte) header).put(1, (byte) (header >>> 8)).put(2, (byte) (header >>> 16));
    sink.drain(block);
    block.position(3);
  }

  @Override
  public void close() {}
}
