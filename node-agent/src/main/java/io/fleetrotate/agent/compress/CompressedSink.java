package io.fleetrotate.agent.compress;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where an encoder puts compressed bytes: the target file, in production. */
@FunctionalInterface
interface CompressedSink {

  /** Writes all remaining bytes of {@code compressed}, or throws. */
  void write(ByteBuffer compressed) throws IOException;

  /** Writes what an encoder put in {@code output} so far and empties it for more. */
  default void drain(ByteBuffer output) throws IOException {
    output.flip();
    if (output.hasRemaining()) {
      write(output);
    }
    output.clear();
  }
}
