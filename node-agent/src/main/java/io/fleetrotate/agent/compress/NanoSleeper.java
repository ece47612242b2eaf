package io.fleetrotate.agent.compress;

import java.util.concurrent.locks.LockSupport;

/** Blocks the calling thread for a while; a seam so rate-limit tests need not sleep. */
@FunctionalInterface
interface NanoSleeper {

  /** Returns after about {@code nanos}, or sooner if the thread is interrupted. */
  void sleepNanos(long nanos);

  /** Parks the worker thread; an interrupt ends the wait early and stays set for the caller. */
  NanoSleeper PARKING =
      nanos -> {
        long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0 && !Thread.currentThread().isInterrupted()) {
          LockSupport.parkNanos(left);
          left = deadline - System.nanoTime();
        }
      };
}
