package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Command;
import java.util.List;

/** What became of one heartbeat. */
public sealed interface HeartbeatOutcome {
  /** Recorded; {@code commands} were pending for the node and are now handed over. */
  record Accepted(List<Command> commands) implements HeartbeatOutcome {}

  /** Refused: the node sends more than its rate allows; it may try again after the delay. */
  record RateLimited(long retryAfterSeconds) implements HeartbeatOutcome {}

  /** Refused: the node is new and the coordinator already tracks {@code maxNodes} nodes. */
  record OverNodeCap(int maxNodes) implements HeartbeatOutcome {}
}
