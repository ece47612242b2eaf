package io.fleetrotate.testsupport;

/** The fixture's own view of a server: it also needs to know whether a test stopped it for good. */
interface ManagedRedis extends RealRedis {
  /** Whether {@link #stop()} was called; such a server cannot be restarted. */
  boolean isStopped();

  /** Refuses to restart a server that a test stopped for good. */
  default void requireRestartable() {
    if (isStopped()) {
      throw new IllegalStateException(
          "Redis on port " + port() + " was stopped for good; start a new one instead.");
    }
  }
}
