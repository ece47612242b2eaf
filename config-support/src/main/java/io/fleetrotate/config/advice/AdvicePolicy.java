package io.fleetrotate.config.advice;

import java.time.Duration;

/**
 * What the advice aims for.
 *
 * @param targetRatio the mount's used ratio must stay at or below this, through a P95 burst
 * @param minRotationInterval rotations come no more often than this, even at P95 growth
 * @param retention backups should cover this much of the file's history at P50 growth
 * @param burst how long the live file may grow at P95 past its maxSize before it is rotated (a
 *     check interval plus a wait for the lease)
 */
public record AdvicePolicy(
    double targetRatio, Duration minRotationInterval, Duration retention, Duration burst) {
  /** Under the default disk alert (0.85), hourly at most, a week of backups, an hour of burst. */
  public static final AdvicePolicy DEFAULTS =
      new AdvicePolicy(0.80, Duration.ofHours(1), Duration.ofDays(7), Duration.ofHours(1));

  public AdvicePolicy {
    if (!(targetRatio > 0 && targetRatio <= 1)) {
      throw new IllegalArgumentException("targetRatio must be above 0 and at most 1");
    }
    if (minRotationInterval.isNegative() || minRotationInterval.isZero()) {
      throw new IllegalArgumentException("minRotationInterval must be positive");
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive");
    }
    if (burst.isNegative()) {
      throw new IllegalArgumentException("burst must not be negative");
    }
  }
}
