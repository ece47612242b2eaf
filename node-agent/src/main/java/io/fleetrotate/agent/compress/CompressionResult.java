package io.fleetrotate.agent.compress;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a successful {@link Compressor#compress} wrote. The target is fsynced when this exists.
 *
 * @param codecUsed the format actually written; differs from the request after a fallback
 * @param level the level actually used (gzip's default after a fallback from zstd)
 * @param bytesIn bytes read from the source
 * @param bytesOut bytes in the target file
 * @param elapsed wall time of the whole call, including rate-limit waits and fsync
 * @param fallbackReason why zstd was requested but gzip was written, if it was
 */
public record CompressionResult(
    Codec codecUsed,
    int level,
    long bytesIn,
    long bytesOut,
    Duration elapsed,
    Optional<String> fallbackReason) {

  public CompressionResult {
    Objects.requireNonNull(codecUsed, "codecUsed");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(fallbackReason, "fallbackReason");
  }

  /** Compressed size over original size; 1.0 for an empty source. */
  public double ratio() {
    return bytesIn == 0 ? 1.0 : (double) bytesOut / bytesIn;
  }
}
