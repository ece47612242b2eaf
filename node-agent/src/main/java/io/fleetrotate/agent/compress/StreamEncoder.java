package io.fleetrotate.agent.compress;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One compressed stream being written to a {@link CompressedSink}. Implementations own native or
 * zlib state, so {@link #close()} must run even when encoding fails.
 */
interface StreamEncoder extends AutoCloseable {

  /** Compresses all remaining bytes of {@code input}, writing output to the sink as it fills. */
  void encode(ByteBuffer input) throws IOException;

  /** Ends the stream (trailer, checksum) and writes everything still buffered to the sink. */
  void finish() throws IOException;

  /** Releases codec state; never throws. */
  @Override
  void close();

  /** Opens an encoder for one source; a seam so tests can inject codec failures. */
  @FunctionalInterface
  interface Factory {
    StreamEncoder open(CompressedSink sink, int level, long sourceSize) throws IOException;
  }
}
