package io.fleetrotate.coordinator.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One rotation group as of now: its nodes by state and what they say of their lock service.
 *
 * @param lockBackends the backends its nodes report, sorted
 * @param lockReporting nodes, not down, whose agent reports its lock state (protocol 1.1)
 * @param lockUnavailable of those, the nodes whose agent cannot reach its lock service
 * @param lockUnavailableSince the earliest such outage start, or null
 */
public record GroupSummary(
    String group,
    Map<NodeState, Integer> nodes,
    List<String> lockBackends,
    int lockReporting,
    int lockUnavailable,
    Instant lockUnavailableSince) {

  /** How the group's lock service looks: the wire names of {@link LockHealth}. */
  public LockHealth lockHealth() {
    if (lockReporting == 0) {
      return LockHealth.UNKNOWN;
    }
    if (lockUnavailable == 0) {
      return LockHealth.AVAILABLE;
    }
    return lockUnavailable == lockReporting ? LockHealth.UNAVAILABLE : LockHealth.PARTIAL;
  }

  /** A group's lock service: reached by every reporting node, by some, by none, or unknown. */
  public enum LockHealth {
    AVAILABLE,
    PARTIAL,
    UNAVAILABLE,
    UNKNOWN;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
