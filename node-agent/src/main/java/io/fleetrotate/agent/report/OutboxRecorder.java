package io.fleetrotate.agent.report;

import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.agent.rotate.RotationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation listener that reports: each outcome becomes a {@code RotationEvent}, written durably
 * to the outbox on the rotation worker before anything else happens, then the sender is woken. It
 * never throws into the agent: the rotation has happened whatever reporting makes of it. It answers
 * false while the disk refuses the outbox's write, so that the rotation's journal keeps the event.
 */
record OutboxRecorder(Outbox outbox, String nodeId, Runnable wake) implements RotationListener {
  private static final Logger log = LoggerFactory.getLogger(OutboxRecorder.class);

  @Override
  public boolean rotated(RotationOutcome outcome, String lockBackend, long lockWaitMs) {
    boolean kept;
    try {
      kept = outbox.record(RotationEvents.of(outcome, nodeId, lockBackend, lockWaitMs));
    } catch (RuntimeException e) {
      // An event the wire contract refuses can never be kept: holding it would block nothing.
      log.error(
          "cannot report the rotation of {} to the coordinator: {}",
          outcome.liveFile(),
          e.getMessage());
      kept = true;
    }
    wake.run();
    return kept;
  }
}
