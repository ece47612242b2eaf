package io.fleetrotate.chaos.fleet;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline, for the harness's own waits (tests use Awaitility). */
final class Waits {
  private static final long POLL_MILLIS = 200;

  private Waits() {}

  /**
   * Polls {@code done} until it is true; fails with {@code what} when {@code timeout} passes or
   * {@code gaveUp} becomes true first (the process it waits for died).
   */
  static void until(Duration timeout, String what, BooleanSupplier done, BooleanSupplier gaveUp) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (done.getAsBoolean()) {
        return;
      }
      if (gaveUp.getAsBoolean()) {
        throw new IllegalStateException(what + ": gave up, the process exited");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(what + ": not within " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(what + ": interrupted", e);
      }
    }
  }
}
