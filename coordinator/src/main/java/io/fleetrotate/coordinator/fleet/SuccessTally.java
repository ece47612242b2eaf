package io.fleetrotate.coordinator.fleet;

/**
 * Rotations that succeeded and failed over some window. The success ratio is of the two: skipped
 * rotations (nothing to do) count as neither.
 */
public record SuccessTally(long successes, long failures) {
  public static final SuccessTally NONE = new SuccessTally(0, 0);

  public long attempts() {
    return successes + failures;
  }

  /** Successes over attempts, or NaN without an attempt. */
  public double ratio() {
    return attempts() == 0 ? Double.NaN : (double) successes / attempts();
  }
}
