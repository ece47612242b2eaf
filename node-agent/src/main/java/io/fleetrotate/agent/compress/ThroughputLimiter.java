package io.fleetrotate.agent.compress;

import java.util.function.LongSupplier;

/**
 * Token bucket on bytes read. The bucket starts empty, so over a whole file the average never
 * exceeds the rate; after a pause it refills up to {@code burstBytes}. A read that overdraws the
 * bucket is paid for by sleeping until the balance is back at zero.
 */
final class ThroughputLimiter {

  private static final double NANOS_PER_SECOND = 1e9;

  private final long bytesPerSecond;
  private final long burstBytes;
  private final LongSupplier nanoTime;
  private final NanoSleeper sleeper;
  private double tokens;
  private long lastRefillNanos;

  ThroughputLimiter(
      long bytesPerSecond, long burstBytes, LongSupplier nanoTime, NanoSleeper sleeper) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0, got " + bytesPerSecond);
    }
    if (burstBytes <= 0) {
      throw new IllegalArgumentException("burstBytes must be > 0, got " + burstBytes);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burstBytes = burstBytes;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.lastRefillNanos = nanoTime.getAsLong();
  }

  /** Burst of one second's worth, but at least one read buffer so a read never waits twice. */
  static ThroughputLimiter forReads(
      long bytesPerSecond, int readBufferBytes, LongSupplier nanoTime, NanoSleeper sleeper) {
    return new ThroughputLimiter(
        bytesPerSecond, Math.max(bytesPerSecond, readBufferBytes), nanoTime, sleeper);
  }

  /** Accounts for {@code bytes} just read, sleeping as long as the rate requires. */
  void acquire(long bytes) {
    long now = nanoTime.getAsLong();
    tokens =
        Math.min(burstBytes, tokens + (now - lastRefillNanos) * bytesPerSecond / NANOS_PER_SECOND);
    lastRefillNanos = now;
    tokens -= bytes;
    if (tokens < 0) {
      sleeper.sleepNanos((long) Math.ceil(-tokens * NANOS_PER_SECOND / bytesPerSecond));
    }
  }
}
