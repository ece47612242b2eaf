package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import java.time.Instant;
import java.util.List;

/**
 * What the fleet state counts from the stored history, as a restart restores it without reading the
 * history: its size grows with the number of nodes and files, not with the events held.
 *
 * @param tallies per node, group, result and reason, the events held
 * @param latest per node and file, the latest rotation
 * @param fleetDay successes and failures of the last day per 5-minute bucket (node null)
 * @param nodeHour successes and failures of the last hour per node and 5-minute bucket
 */
public record RestoredRotations(
    List<Tally> tallies, List<Latest> latest, List<Bucket> fleetDay, List<Bucket> nodeHour) {

  public record Tally(String node, String group, Result result, FailureReason reason, long count) {}

  /**
   * @param compressionRatio of the file's last compressed rotation, NaN if none
   * @param compressedAt when that rotation finished, or null
   */
  public record Latest(
      String node,
      String path,
      Instant finishedAt,
      long durationMillis,
      Result result,
      double compressionRatio,
      Instant compressedAt) {}

  /** Rotations that finished in the 5-minute bucket starting at {@code start}. */
  public record Bucket(String node, Instant start, long successes, long failures) {}
}
