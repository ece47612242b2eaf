package io.fleetrotate.agent.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Seams that make a codec or the write path fail part-way through. */
final class FailingEncoders {

  private FailingEncoders() {}

  /** A real encoder that throws {@code failure} once more than {@code afterBytes} were fed. */
  static StreamEncoder.Factory failingAfter(
      StreamEncoder.Factory real, long afterBytes, Supplier<? extends Exception> failure) {
    return (sink, level, sourceSize) -> {
      StreamEncoder delegate = real.open(sink, level, sourceSize);
      return new StreamEncoder() {
        private long fed;

        @Override
        public void encode(ByteBuffer input) throws IOException {
          fed += input.remaining();
          if (fed > afterBytes) {
            throwAs(failure.get());
          }
          delegate.encode(input);
        }

        @Override
        public void finish() throws IOException {
          delegate.finish();
        }

        @Override
        public void close() {
          delegate.close();
        }
      };
    };
  }

  /**
   * A write path that accepts {@code capacity} bytes and then fails the way a full disk does, after
   * writing what still fits. Counts the attempts (each codec attempt wraps the sink once).
   */
  static UnaryOperator<CompressedSink> diskWithCapacity(
      long capacity, String errnoMessage, AtomicInteger attempts, long[] mostWritten) {
    return sink -> {
      attempts.incrementAndGet();
      long[] written = {0};
      return compressed -> {
        long room = capacity - written[0];
        if (compressed.remaining() > room) {
          ByteBuffer fits = compressed.duplicate();
          fits.limit(fits.position() + (int) room);
          sink.write(fits);
          written[0] += room;
          mostWritten[0] = Math.max(mostWritten[0], written[0]);
          throw new IOException(errnoMessage);
        }
        written[0] += compressed.remaining();
        mostWritten[0] = Math.max(mostWritten[0], written[0]);
        sink.write(compressed);
      };
    };
  }

  private static void throwAs(Exception e) throws IOException {
    if (e instanceof IOException io) {
      throw io;
    }
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new IllegalStateException(e);
  }
}
