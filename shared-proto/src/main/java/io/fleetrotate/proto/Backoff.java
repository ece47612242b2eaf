package io.fleetrotate.proto;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: the n-th consecutive failure waits between half and all
 * of {@code min(max, initial * 2^(n-1))}, so that agents cut off together do not come back in step.
 * The agent's outbox replay and the coordinator's history catch-up retry with it. Not thread-safe.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int failures;

  public Backoff(Duration initial, Duration max) {
    this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param random uniform in [0, 1)
   */
  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The wait after one more failure. */
  public Duration next() {
    failures++;
    long ceiling = max.toNanos();
    long delay = initial.toNanos();
    for (int i = 1; i < failures && delay < ceiling; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, ceiling);
    long half = delay / 2;
    return Duration.ofNanos(half + (long) (random.getAsDouble() * (delay - half)));
  }

  /** Consecutive failures so far. */
  public int failures() {
    return failures;
  }

  public void reset() {
    failures = 0;
  }
}
