package io.fleetrotate.agent.watch;

import io.fleetrotate.agent.rotate.RotationOutcome;

/** Told about every rotation the agent ends, successful or not (the reporter, the log). */
@FunctionalInterface
public interface RotationListener {
  RotationListener NONE = (outcome, backend, waitMs) -> {};

  /**
   * @param lockBackend the lock backend the lease came from ({@code local}, {@code redis}, ...)
   * @param lockWaitMs how long the rotation waited for its lease
   */
  void rotated(RotationOutcome outcome, String lockBackend, long lockWaitMs);
}
