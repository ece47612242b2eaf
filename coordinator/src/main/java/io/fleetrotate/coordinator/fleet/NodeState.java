package io.fleetrotate.coordinator.fleet;

import java.util.Locale;

/** A node's liveness, from how many of its heartbeat intervals have passed without one. */
public enum NodeState {
  UP,
  /** Missed {@code liveness.staleAfter} heartbeats. */
  STALE,
  /** Missed {@code liveness.downAfter} heartbeats. */
  DOWN;

  /** The lower-case name used in JSON and metric labels. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
