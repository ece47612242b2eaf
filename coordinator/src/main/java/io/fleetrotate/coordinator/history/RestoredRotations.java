package io.fleetrotate.coordinator.history;

import io.fleetrotate.coordinator.fleet.LastRotation;
import io.fleetrotate.coordinator.fleet.RotationCount;
import java.time.Instant;
import java.util.List;

/**
 * What the fleet state counts from the stored history, as a restart restores it without reading the
 * history: its size grows with the number of nodes and files, not with the events held.
 *
 * @param counts per node, group, result and reason, the events held
 * @param latest per node and file, the latest rotation
 * @param fleetDay successes and failures of the last day per 5-minute bucket (node null)
 * @param nodeHour successes and failures of the last hour per node and 5-minute bucket
 */
public record RestoredRotations(
    List<NodeCount> counts,
    List<NodeRotation> latest,
    List<Bucket> fleetDay,
    List<Bucket> nodeHour) {

  public record NodeCount(String node, RotationCount count) {}

  public record NodeRotation(String node, LastRotation last) {}

  /** Rotations that finished in the 5-minute bucket starting at {@code start}. */
  public record Bucket(String node, Instant start, long successes, long failures) {}
}
