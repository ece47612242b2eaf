package io.fleetrotate.proto;

import java.time.Instant;

/**
 * The agent's view of its lock service, sent in the heartbeat since protocol 1.1 (older readers
 * ignore it). An unreachable service is a state of the node: its due logs wait for it.
 *
 * @param backend the lease backend, e.g. {@code redis}, {@code hazelcast}, {@code local}
 * @param unavailableSince when the agent found the service unreachable, or null while it is
 *     reachable
 */
public record LockState(String backend, Instant unavailableSince) {
  public LockState {
    Rules.text("backend", backend, WireLimits.MAX_SHORT_NAME_LENGTH);
    if (unavailableSince != null) {
      Rules.timestamp("unavailableSince", unavailableSince);
    }
  }

  public boolean available() {
    return unavailableSince == null;
  }
}
