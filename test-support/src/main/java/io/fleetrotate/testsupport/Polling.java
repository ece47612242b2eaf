package io.fleetrotate.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline; the fixture's state changes are asynchronous. */
final class Polling {
  private Polling() {}

  /** Polls every few milliseconds; true if the condition held before the timeout passed. */
  static boolean until(Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      nap(Duration.ofMillis(10));
    }
    return true;
  }

  static void nap(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Redis", e);
    }
  }
}
