package io.fleetrotate.coordinator.fleet;

import java.util.Arrays;

/**
 * Successes and failures of rotations in fixed time buckets over a sliding window, by the time each
 * rotation finished. A rotation older than the window when it arrives is not counted (an outbox
 * replay after a long outage must not sink today's ratio). Skipped rotations are neither.
 * Thread-safe.
 */
final class SuccessWindow {
  private final long bucketMillis;
  private final long[] bucketIds;
  private final int[] successes;
  private final int[] failures;

  /**
   * The newest bucket counted in, written under the lock: a tally of a window that ends before it
   * (most nodes' last hour, between their rotations) is none, found without the lock or the walk.
   */
  private volatile long newest = Long.MIN_VALUE;

  SuccessWindow(long bucketMillis, int buckets) {
    this.bucketMillis = bucketMillis;
    this.bucketIds = new long[buckets];
    this.successes = new int[buckets];
    this.failures = new int[buckets];
    Arrays.fill(bucketIds, Long.MIN_VALUE);
  }

  void add(long finishedAtMillis, boolean success, long nowMillis) {
    add(finishedAtMillis, success ? 1 : 0, success ? 0 : 1, nowMillis);
  }

  /** Adds successes and failures that finished at one time. */
  synchronized void add(long finishedAtMillis, long ok, long failed, long nowMillis) {
    long id = Math.floorDiv(finishedAtMillis, bucketMillis);
    long now = Math.floorDiv(nowMillis, bucketMillis);
    // Rotations "from the future" (agent clock ahead) count in the current bucket.
    id = Math.min(id, now);
    if (id <= now - bucketIds.length) {
      return;
    }
    int slot = (int) Math.floorMod(id, (long) bucketIds.length);
    if (bucketIds[slot] != id) {
      bucketIds[slot] = id;
      successes[slot] = 0;
      failures[slot] = 0;
    }
    successes[slot] += (int) ok;
    failures[slot] += (int) failed;
    if (id > newest) {
      newest = id;
    }
  }

  /** Successes and failures in the last {@code buckets} buckets up to {@code nowMillis}. */
  SuccessTally tally(long nowMillis, int buckets) {
    long now = Math.floorDiv(nowMillis, bucketMillis);
    // A bucket being added concurrently is either seen or not, as with the lock taken first.
    if (newest <= now - buckets) {
      return SuccessTally.NONE;
    }
    synchronized (this) {
      long ok = 0;
      long failed = 0;
      for (int i = 0; i < bucketIds.length; i++) {
        if (bucketIds[i] > now - buckets && bucketIds[i] <= now) {
          ok += successes[i];
          failed += failures[i];
        }
      }
      return new SuccessTally(ok, failed);
    }
  }
}
