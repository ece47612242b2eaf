package io.fleetrotate.agent.compress;

import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/** Builds a {@link Compressor} with production parts except the seams a test replaces. */
final class CompressorBuilder {

  private ZstdAvailability zstd = ZstdAvailability.system();
  private StreamEncoder.Factory zstdEncoders = ZstdStreamEncoder.factory(Compressor.ZSTD_WORKERS);
  private StreamEncoder.Factory gzipEncoders = GzipStreamEncoder::open;
  private UnaryOperator<CompressedSink> writePath = UnaryOperator.identity();
  private LongSupplier nanoTime = System::nanoTime;
  private NanoSleeper sleeper = NanoSleeper.PARKING;

  CompressorBuilder zstd(ZstdAvailability availability) {
    this.zstd = availability;
    return this;
  }

  CompressorBuilder zstdEncoders(StreamEncoder.Factory factory) {
    this.zstdEncoders = factory;
    return this;
  }

  CompressorBuilder gzipEncoders(StreamEncoder.Factory factory) {
    this.gzipEncoders = factory;
    return this;
  }

  CompressorBuilder writePath(UnaryOperator<CompressedSink> decorator) {
    this.writePath = decorator;
    return this;
  }

  CompressorBuilder clock(FakeNanoClock clock) {
    this.nanoTime = clock;
    this.sleeper = clock;
    return this;
  }

  CompressorBuilder sleeper(NanoSleeper sleeper) {
    this.sleeper = sleeper;
    return this;
  }

  Compressor build() {
    return new Compressor(zstd, zstdEncoders, gzipEncoders, writePath, nanoTime, sleeper);
  }
}
