package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Command;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What became of one heartbeat. */
public sealed interface HeartbeatOutcome {
  /**
   * Recorded; {@code commands} completes with what was pending for the node, now handed over (with
   * a cluster, once the shared map answers).
   */
  record Accepted(CompletionStage<List<Command>> commands) implements HeartbeatOutcome {}

  /** Refused: the node sends more than its rate allows; it may try again after the delay. */
  record RateLimited(long retryAfterSeconds) implements HeartbeatOutcome {}

  /** Refused: the node is new and the coordinator already tracks {@code maxNodes} nodes. */
  record OverNodeCap(int maxNodes) implements HeartbeatOutcome {}
}
