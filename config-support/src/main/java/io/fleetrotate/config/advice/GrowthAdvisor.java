package io.fleetrotate.config.advice;

import io.fleetrotate.config.Durations;
import io.fleetrotate.config.Sizes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Advises {@code maxSize}, {@code keep} and {@code maxTotalSize} for one file from its measured
 * hourly growth and its mount. Pure: the same history and mount give the same advice.
 *
 * <ul>
 *   <li>{@code maxSize}: P95 growth times the rotation floor, so that even a burst rotates no more
 *       often than the floor (1MiB at least; whole MiB).
 *   <li>{@code keep}: enough backups of {@code maxSize} to hold the retention window at P50 growth.
 *   <li>{@code maxTotalSize}: {@code keep × maxSize}, cut to what the mount can hold under the
 *       target ratio at the worst moment: the live file at {@code maxSize} plus a P95 burst, one
 *       uncompressed backup being compressed, and the backups.
 * </ul>
 *
 * Backups are counted uncompressed, so the advice errs on the safe side.
 */
public final class GrowthAdvisor {
  static final long MIB = 1024 * 1024;
  private static final double HOUR_SECONDS = 3600.0;

  private GrowthAdvisor() {}

  /** The mount as its last measurement found it. */
  public record Mount(long totalBytes, long usedBytes) {
    public Mount {
      if (totalBytes <= 0 || usedBytes < 0) {
        throw new IllegalArgumentException("a mount has a positive size and a used size >= 0");
      }
    }
  }

  /** What the file takes on its mount now: the live file and its backups. */
  public record Footprint(long liveBytes, long backupBytes) {}

  /**
   * @param hourlyGrowth bytes the file grew in each measured hour (at least one)
   * @param hoursMeasured how much history the samples stand for (may be below one hour when the
   *     only sample is extrapolated from a partial hour)
   */
  public static Advice advise(
      long[] hourlyGrowth, double hoursMeasured, Mount mount, Footprint file, AdvicePolicy policy) {
    if (hourlyGrowth.length == 0) {
      throw new IllegalArgumentException("advice needs at least one hour of growth");
    }
    long[] sorted = Arrays.stream(hourlyGrowth).map(g -> Math.max(0, g)).sorted().toArray();
    long p50 = nearestRank(sorted, 0.50);
    long p95 = nearestRank(sorted, 0.95);
    double floorHours = hours(policy.minRotationInterval());
    double retentionHours = hours(policy.retention());
    double burstHours = hours(policy.burst());

    long maxSize = Math.max(MIB, roundUp((long) Math.ceil(p95 * floorHours)));
    String maxSizeReason =
        p95 == 0
            ? "the file did not grow in the hours measured, so size never triggers a rotation; "
                + size(MIB)
                + " is the smallest maxSize advised"
            : "at the P95 growth of "
                + perHour(p95)
                + " a "
                + size(maxSize)
                + " file rotates at most every "
                + hoursText(maxSize / (double) p95)
                + ", no more often than the floor of "
                + Durations.format(policy.minRotationInterval());

    int keep;
    String keepReason;
    if (p50 == 0) {
      keep = 1;
      keepReason =
          "the file hardly grows (P50 0B/h), so one backup holds the whole "
              + Durations.format(policy.retention())
              + " retention window";
    } else {
      double hoursPerBackup = maxSize / (double) p50;
      keep =
          (int)
              Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(retentionHours / hoursPerBackup)));
      keepReason =
          "at the P50 growth of "
              + perHour(p50)
              + " each "
              + size(maxSize)
              + " backup holds "
              + hoursText(hoursPerBackup)
              + ", so "
              + keep
              + " backups cover the "
              + Durations.format(policy.retention())
              + " retention window";
    }

    long wanted = saturatedMultiply(keep, maxSize);
    long others = Math.max(0, mount.usedBytes() - file.liveBytes() - file.backupBytes());
    long burst = (long) Math.ceil(p95 * burstHours);
    long peakBesideBackups = others + maxSize + burst + maxSize;
    long budget = (long) Math.floor(policy.targetRatio() * mount.totalBytes());
    long room = budget - peakBesideBackups;
    long maxTotal;
    String maxTotalReason;
    if (room >= wanted) {
      maxTotal = wanted;
      maxTotalReason =
          keep
              + " backups of "
              + size(maxSize)
              + " take "
              + size(maxTotal)
              + ", and with the live file at maxSize plus a P95 burst of "
              + size(burst)
              + " and one backup being compressed the mount peaks at "
              + percent(ratio(peakBesideBackups + maxTotal, mount))
              + ", under the "
              + percent(policy.targetRatio())
              + " target";
    } else {
      maxTotal = Math.max(MIB, roundDown(room));
      String covers =
          p50 == 0 ? "" : " (about " + hoursText(maxTotal / (double) p50) + " of history at P50)";
      maxTotalReason =
          room < MIB
              ? "the mount cannot stay under the "
                  + percent(policy.targetRatio())
                  + " target even without backups (other files take "
                  + size(others)
                  + " of "
                  + size(mount.totalBytes())
                  + "); "
                  + size(maxTotal)
                  + " is the least advised: free space on the mount or move the logs"
              : "only "
                  + size(maxTotal)
                  + " of backups fit under the "
                  + percent(policy.targetRatio())
                  + " target with the live file at maxSize, a P95 burst of "
                  + size(burst)
                  + " and one backup being compressed"
                  + covers
                  + ", less than the "
                  + Durations.format(policy.retention())
                  + " window wants ("
                  + size(wanted)
                  + "): free space or accept the shorter history";
    }
    double peak = ratio(peakBesideBackups + maxTotal, mount);
    String basis =
        hoursMeasured >= 24
            ? "based on " + hoursText(hoursMeasured) + " of measured growth"
            : "based on only "
                + hoursText(hoursMeasured)
                + " of measured growth; ask again after a day or more for a sound P95";
    return new Advice(
        maxSize,
        keep,
        maxTotal,
        p50,
        p95,
        hoursMeasured,
        peak,
        peak <= policy.targetRatio(),
        maxSizeReason,
        keepReason,
        maxTotalReason,
        basis);
  }

  /** The value at rank ceil(q × n) (1-based) of an ascending array. */
  static long nearestRank(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double hours(Duration d) {
    return d.toMillis() / (HOUR_SECONDS * 1000);
  }

  private static long roundUp(long bytes) {
    return ((bytes + MIB - 1) / MIB) * MIB;
  }

  private static long roundDown(long bytes) {
    return (bytes / MIB) * MIB;
  }

  private static long saturatedMultiply(long a, long b) {
    long r = a * b;
    return (a != 0 && r / a != b) ? Long.MAX_VALUE : r;
  }

  private static double ratio(long bytes, Mount mount) {
    return bytes / (double) mount.totalBytes();
  }

  private static String size(long bytes) {
    return Sizes.format(bytes);
  }

  private static String perHour(long bytes) {
    return Sizes.format(bytes) + "/h";
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  private static String hoursText(double hours) {
    if (hours < 1) {
      return Math.max(1, Math.round(hours * 60)) + " minutes";
    }
    if (hours < 48) {
      return String.format(Locale.ROOT, "%.1f hours", hours).replace(".0 ", " ");
    }
    return String.format(Locale.ROOT, "%.1f days", hours / 24).replace(".0 ", " ");
  }
}
