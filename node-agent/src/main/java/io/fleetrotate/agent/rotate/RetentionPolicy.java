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
 * first, as many as needed to bring the total under {@code maxTotalSize}.
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
      // Keep the newest that fit; once one does not, it and everything older go.
      for (Backup b : newestFirst) {
        if (doomed.contains(b)) {
          continue;
        }
        if (!over && total + b.sizeBytes() <= budget) {
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
