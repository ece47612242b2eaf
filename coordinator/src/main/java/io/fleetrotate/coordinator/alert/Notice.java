package io.fleetrotate.coordinator.alert;

import java.time.Instant;
import java.util.Locale;

/** What is sent when an alert fires, is still firing after the cooldown, or resolves. */
public record Notice(Kind kind, Alert alert, Instant at) {
  public enum Kind {
    FIRED,
    /** Still firing; sent at most once per cooldown. */
    REPEATED,
    RESOLVED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
