package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What one node's rotations add up to. Guarded by its own monitor; small by design. */
final class NodeRotations {
  static final long BUCKET_MILLIS = Duration.ofMinutes(5).toMillis();
  static final int HOUR_BUCKETS = 12;

  private final SuccessWindow lastHour = new SuccessWindow(BUCKET_MILLIS, HOUR_BUCKETS);
  private RotationCount[] counts = new RotationCount[0];

  /**
   * {@link #counts} as of its last change, immutable: read without the lock and without a copy (a
   * scrape reads every node's), and a new list at every change, so a reader can tell by identity
   * that nothing changed.
   */
  private volatile List<RotationCount> published = List.of();

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
        if (e.result() == Result.SUCCESS && e.bytesBefore() > 0 && !"none".equals(e.codec())) {
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
    for (int i = 0; i < counts.length; i++) {
      RotationCount c = counts[i];
      if (c.result() == e.result()
          && c.reason() == e.reason()
          && Objects.equals(c.group(), e.group())) {
        counts[i] = new RotationCount(c.group(), c.result(), c.reason(), c.count() + 1);
        published = List.of(counts);
        return;
      }
    }
    RotationCount[] grown = Arrays.copyOf(counts, counts.length + 1);
    grown[counts.length] = new RotationCount(e.group(), e.result(), e.reason(), 1);
    counts = grown;
    published = List.of(counts);
  }

  void restoreLastHour(long finishedAtMillis, long successes, long failures, long nowMillis) {
    lastHour.add(finishedAtMillis, successes, failures, nowMillis);
  }

  synchronized void restore(RotationCount count) {
    counts = Arrays.copyOf(counts, counts.length + 1);
    counts[counts.length - 1] = count;
    published = List.of(counts);
  }

  synchronized void restore(LastRotation last) {
    lastByPath.put(last.path(), last);
  }

  SuccessTally lastHour(long nowMillis) {
    return lastHour.tally(nowMillis, HOUR_BUCKETS);
  }

  /** The counts as of now, immutable; the same list until one changes. */
  List<RotationCount> counts() {
    return published;
  }

  synchronized List<LastRotation> lastRotations() {
    return new ArrayList<>(lastByPath.values());
  }
}
