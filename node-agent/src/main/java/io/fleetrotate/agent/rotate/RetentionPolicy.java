package io.fleetrotate.agent.rotate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which backups to delete: beyond the {@code keep} count, older than {@code maxAge}, and, oldest
 * first, as many as needed to bring the total under {@code maxTotalSize}. The size budget never
 * deletes the newest backup on its own account: a backup larger than the whole budget is kept
 * (alone) until the next rotation, rather than deleting the data of the rotation that just made it;
 * {@code keep: 0} or {@code maxAge} still delete it.
 */
public record RetentionPolicy(
    OptionalInt keep, Optional<Duration> maxAge, OptionalLong maxTotalSizeBytes) {

  public static final RetentionPolicy KEEP_ALL =
      new RetentionPolicy(OptionalInt.empty(), Optional.empty(), OptionalLong.empty());

  /** The backups to delete, oldest first. */
  public List<Backup> toDelete(List<Backup> backups, Instant now) {
    List<Backup> newestFirst = new ArrayList<>(backups);
    newestFirst.sort(Backup.OLDEST_FIRST.reversed());
    Set<Backup> doomed = new LinkedHashSet<>();
    if (keep.isPresent()) {
      for (int i = keep.getAsInt(); i < newestFirst.size(); i++) {
        doomed.add(newestFirst.get(i));
      }
    }
    if (maxAge.isPresent()) {
      Instant cutoff = now.minus(maxAge.get());
      for (Backup b : newestFirst) {
        if (b.stamp().isBefore(cutoff)) {
          doomed.add(b);
        }
      }
    }
    if (maxTotalSizeBytes.isPresent()) {
      long budget = maxTotalSizeBytes.getAsLong();
      long total = 0;
      boolean over = false;
      // Keep the newest that fit (the newest always); once one does not, it and everything older
      // go.
      boolean first = true;
      for (Backup b : newestFirst) {
        if (doomed.contains(b)) {
          continue;
        }
        boolean newest = first && b == newestFirst.get(0);
        first = false;
        if (newest || (!over && total + b.sizeBytes() <= budget)) {
          total += b.sizeBytes();
        } else {
          over = true;
          doomed.add(b);
        }
      }
    }
    List<Backup> result = new ArrayList<>(doomed);
    result.sort(Backup.OLDEST_FIRST);
    return result;
  }
}
