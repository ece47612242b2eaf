package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.rotate.RotationOutcome;

/** Told about every rotation the agent ends, successful or not (the reporter, the log). */
@FunctionalInterface
public interface RotationListener {
  RotationListener NONE = (outcome, backend, waitMs) -> true;

  /**
   * May be told the same outcome again (same {@code rotationId}) after it answered false, or after
   * a restart when the agent stopped before it could answer: keeping it must be idempotent.
   *
   * @param lockBackend the lock backend the lease came from ({@code local}, {@code redis}, ...)
   * @param lockWaitMs how long the rotation waited for its lease
   * @return true once the outcome is kept where a restart finds it (or nothing needs keeping): the
   *     rotation's journal, which held it until then, may go; false to be told again later
   */
  boolean rotated(RotationOutcome outcome, String lockBackend, long lockWaitMs);
}
