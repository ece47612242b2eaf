package io.fleetrotate.chaos.agent;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.agent.rotate.StepListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops the rotating thread right after one step is journaled, so the harness can kill, stop or cut
 * off the agent there. It first writes {@code paused-after-<STEP>} (holding the rotation id) beside
 * the journal, the marker the harness waits for; then parks for good, or for {@code pause} and goes
 * on.
 */
public final class PausingStepListener implements StepListener {
  private final RotationStep step;
  private final Optional<Duration> pause;

  public PausingStepListener(RotationStep step, Optional<Duration> pause) {
    this.step = step;
    this.pause = pause;
  }

  /**
   * The marker written beside the journals in {@code journalDir} when paused after {@code step}.
   */
  public static Path marker(Path journalDir, RotationStep step) {
    return journalDir.resolve("paused-after-" + step.name());
  }

  @Override
  public void afterStep(RotationStep recorded, String rotationId, Path journalFile)
      throws IOException {
    if (recorded != step) {
      return;
    }
    Files.writeString(marker(journalFile.getParent(), step), rotationId);
    if (pause.isEmpty()) {
      while (true) {
        LockSupport.park(this);
      }
    }
    long until = System.nanoTime() + pause.get().toNanos();
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(this, left);
    }
  }
}
