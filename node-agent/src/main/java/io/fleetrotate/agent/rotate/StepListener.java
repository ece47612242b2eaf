package io.fleetrotate.agent.rotate;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Told of each rotation step once its journal record is durable, on the rotating thread, before the
 * step it announces runs. Production passes {@link #NONE}; a harness may block here to kill or
 * stall the agent at an exact step (the journal then shows where it stopped).
 */
@FunctionalInterface
public interface StepListener {
  /** Does nothing. */
  StepListener NONE = (step, rotationId, journalFile) -> {};

  /**
   * @param step the step just recorded
   * @param rotationId the rotation's id
   * @param journalFile the journal file the record went to
   * @throws IOException fails the step as an I/O error would
   */
  void afterStep(RotationStep step, String rotationId, Path journalFile) throws IOException;
}
