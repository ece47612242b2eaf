package io.fleetrotate.chaos.check;

import io.fleetrotate.chaos.fleet.Rotation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a recorded rotation history (as the coordinator serves it) against the fleet's promises.
 * Each check returns the violations it found, one sentence each; an empty list means the history is
 * legal. Only rotations that held a lease (fencing token above 0) take part in the lease checks: a
 * rotation that never got one (LOCK_TIMEOUT) started nothing.
 */
public final class RotationChecks {
  private RotationChecks() {}

  /**
   * With one lease per group, no two rotations of a group run at the same time: their [startedAt,
   * finishedAt] intervals do not overlap (touching ends are allowed).
   */
  public static List<String> overlaps(List<Rotation> history) {
    List<String> violations = new ArrayList<>();
    for (List<Rotation> group : leasedByGroup(history).values()) {
      Rotation longest = null;
      for (Rotation r : group) {
        if (longest != null && r.startedAt().isBefore(longest.finishedAt())) {
          violations.add(
              "group "
                  + r.group()
                  + ": "
                  + describe(r)
                  + " started before "
                  + describe(longest)
                  + " finished");
        }
        if (longest == null || r.finishedAt().isAfter(longest.finishedAt())) {
          longest = r;
        }
      }
    }
    return violations;
  }

  /** In each group, a later rotation holds a higher fencing token than every earlier one. */
  public static List<String> fencingOrder(List<Rotation> history) {
    List<String> violations = new ArrayList<>();
    for (List<Rotation> group : leasedByGroup(history).values()) {
      Rotation highest = null;
      for (Rotation r : group) {
        if (highest != null && r.fencingToken() <= highest.fencingToken()) {
          violations.add(
              "group "
                  + r.group()
                  + ": "
                  + describe(r)
                  + " started after "
                  + describe(highest)
                  + " with a token not above it");
        }
        if (highest == null || r.fencingToken() > highest.fencingToken()) {
          highest = r;
        }
      }
    }
    return violations;
  }

  /** Every event id appears once. */
  public static List<String> duplicateEventIds(List<Rotation> history) {
    return history.stream()
        .collect(Collectors.groupingBy(Rotation::eventId, TreeMap::new, Collectors.counting()))
        .entrySet()
        .stream()
        .filter(e -> e.getValue() > 1)
        .map(e -> "event " + e.getKey() + " appears " + e.getValue() + " times")
        .toList();
  }

  /** How many rotations each node has in the history, optionally only the successful ones. */
  public static Map<String, Long> countByNode(List<Rotation> history, boolean successOnly) {
    Map<String, Long> counts = new HashMap<>();
    for (Rotation r : history) {
      if (!successOnly || r.succeeded()) {
        counts.merge(r.node(), 1L, Long::sum);
      }
    }
    return counts;
  }

  private static Map<String, List<Rotation>> leasedByGroup(List<Rotation> history) {
    return history.stream()
        .filter(r -> r.fencingToken() > 0)
        .sorted(Comparator.comparing(Rotation::startedAt).thenComparing(Rotation::finishedAt))
        .collect(Collectors.groupingBy(Rotation::group, TreeMap::new, Collectors.toList()));
  }

  private static String describe(Rotation r) {
    return r.node()
        + "'s rotation "
        + r.eventId()
        + " ["
        + r.startedAt()
        + " .. "
        + r.finishedAt()
        + ", token "
        + r.fencingToken()
        + "]";
  }
}
