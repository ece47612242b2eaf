package io.fleetrotate.config.advice;

import io.fleetrotate.config.Sizes;

/**
 * Advised rotation parameters for one file, each with one sentence saying why.
 *
 * @param p50BytesPerHour the median hourly growth measured
 * @param p95BytesPerHour the 95th percentile (nearest rank) of the hourly growth measured
 * @param hoursMeasured how much history the advice rests on
 * @param peakUsedRatio the mount's used ratio at the worst moment with these values: live file at
 *     maxSize plus a P95 burst, one uncompressed backup, maxTotalSize of backups
 * @param fitsTarget whether {@code peakUsedRatio} stays at or below the policy's target
 * @param basis one sentence on what the advice rests on (how much history)
 */
public record Advice(
    long maxSizeBytes,
    int keep,
    long maxTotalSizeBytes,
    long p50BytesPerHour,
    long p95BytesPerHour,
    double hoursMeasured,
    double peakUsedRatio,
    boolean fitsTarget,
    String maxSizeReason,
    String keepReason,
    String maxTotalSizeReason,
    String basis) {

  /** The values as agent.yaml keys of a {@code files[]} entry, each commented with its reason. */
  public String yaml() {
    return "trigger:\n  maxSize: "
        + Sizes.formatExact(maxSizeBytes)
        + "  # "
        + maxSizeReason
        + "\nretention:\n  keep: "
        + keep
        + "  # "
        + keepReason
        + "\n  maxTotalSize: "
        + Sizes.formatExact(maxTotalSizeBytes)
        + "  # "
        + maxTotalSizeReason
        + "\n";
  }
}
