package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;

/** How many rotations of one node ended one way, each event id counted once. */
public record RotationCount(String group, Result result, FailureReason reason, long count) {
  /** The reason as a metric label: its name, or {@code none}. */
  public String reasonLabel() {
    return reason == null ? "none" : reason.name();
  }
}
