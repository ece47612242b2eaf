package io.fleetrotate.agent.compress;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Positional reads of an uncompressed source (a live log held by descriptor, a backup). */
@FunctionalInterface
public interface RangeSource {

  /** Reads into {@code dst} from {@code position}; -1 at the end of the source. */
  int read(ByteBuffer dst, long position) throws IOException;
}
