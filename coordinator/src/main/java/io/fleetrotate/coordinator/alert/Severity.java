package io.fleetrotate.coordinator.alert;

import java.util.Locale;

/** How urgent an alert is, most urgent first. */
public enum Severity {
  EMERGENCY,
  CRITICAL,
  WARNING,
  INFO;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
