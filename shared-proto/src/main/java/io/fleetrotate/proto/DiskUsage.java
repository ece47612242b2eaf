package io.fleetrotate.proto;

/**
 * Capacity and use of one mounted filesystem that holds watched logs.
 *
 * @param mount the mount point, e.g. {@code /var/log}
 * @param totalBytes capacity, >= 0
 * @param usedBytes bytes in use, 0..totalBytes
 */
public record DiskUsage(String mount, long totalBytes, long usedBytes) {
  public DiskUsage {
    Rules.text("mount", mount, WireLimits.MAX_PATH_LENGTH);
    Rules.nonNegative("totalBytes", totalBytes);
    Rules.nonNegative("usedBytes", usedBytes);
    if (usedBytes > totalBytes) {
      throw Rules.violation("usedBytes", "must be <= totalBytes (" + totalBytes + ")");
    }
  }

  /**
   * The fraction of the mount in use, 0..1; 0 for a mount that reports no capacity. Derived, so it
   * is not sent on the wire.
   */
  public double usedRatio() {
    return totalBytes == 0 ? 0.0 : (double) usedBytes / totalBytes;
  }
}
