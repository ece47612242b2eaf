package io.fleetrotate.lock;

/**
 * The fleet lock's one time source: a monotonic clock in nanoseconds, for deadlines, outage budgets
 * and lease deadlines. {@link #SYSTEM} in production; tests pass one they move by hand.
 */
@FunctionalInterface
public interface Ticker {
  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** Nanoseconds from an arbitrary origin; only differences mean something. */
  long read();
}
