package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What one node's rotations add up to. Guarded by its own monitor; small by design. */
final class NodeRotations {
  static final long BUCKET_MILLIS = Duration.ofMinutes(5).toMillis();
  static final int HOUR_BUCKETS = 12;

  private final SuccessWindow lastHour = new SuccessWindow(BUCKET_MILLIS, HOUR_BUCKETS);

  /**
   * The counts by group, result and reason, immutable: read without the lock and without a copy (a
   * scrape reads every node's), and replaced by a new list at every change, made under the lock, so
   * a reader can tell by identity that nothing changed.
   */
  private volatile List<RotationCount> counts = List.of();

  private final Map<String, LastRotation> lastByPath = new HashMap<>(4);

  void add(RotationEvent e, long nowMillis) {
    if (e.result() != Result.SKIPPED) {
      lastHour.add(e.finishedAt().toEpochMilli(), e.result() == Result.SUCCESS, nowMillis);
    }
    synchronized (this) {
      countOne(e);
      LastRotation previous = lastByPath.get(e.path());
      if (previous == null || !e.finishedAt().isBefore(previous.finishedAt())) {
        double ratio = previous == null ? Double.NaN : previous.compressionRatio();
        var compressedAt = previous == null ? null : previous.compressedAt();
        if (e.compressed()) {
          ratio = e.compressionRatio().orElse(Double.NaN);
          compressedAt = e.finishedAt();
        }
        lastByPath.put(
            e.path(),
            new LastRotation(
                e.path(),
                e.finishedAt(),
                e.duration().toMillis(),
                e.result(),
                ratio,
                compressedAt));
      }
    }
  }

  private void countOne(RotationEvent e) {
    List<RotationCount> current = counts;
    for (int i = 0; i < current.size(); i++) {
      RotationCount c = current.get(i);
      if (c.result() == e.result()
          && c.reason() == e.reason()
          && Objects.equals(c.group(), e.group())) {
        RotationCount[] next = current.toArray(RotationCount[]::new);
        next[i] = new RotationCount(c.group(), c.result(), c.reason(), c.count() + 1);
        counts = List.of(next);
        return;
      }
    }
    counts = with(current, new RotationCount(e.group(), e.result(), e.reason(), 1));
  }

  private static List<RotationCount> with(List<RotationCount> counts, RotationCount added) {
    RotationCount[] next = counts.toArray(new RotationCount[counts.size() + 1]);
    next[counts.size()] = added;
    return List.of(next);
  }

  void restoreLastHour(long finishedAtMillis, long successes, long failures, long nowMillis) {
    lastHour.add(finishedAtMillis, successes, failures, nowMillis);
  }

  synchronized void restore(RotationCount count) {
    counts = with(counts, count);
  }

  synchronized void restore(LastRotation last) {
    lastByPath.put(last.path(), last);
  }

  SuccessTally lastHour(long nowMillis) {
    return lastHour.tally(nowMillis, HOUR_BUCKETS);
  }

  /** The counts as of now, immutable; the same list until one changes. */
  List<RotationCount> counts() {
    return counts;
  }

  synchronized List<LastRotation> lastRotations() {
    return new ArrayList<>(lastByPath.values());
  }
}
