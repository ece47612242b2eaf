package io.fleetrotate.coordinator.alert;

/** The built-in alert rules, by the name used in alert keys and in the configuration. */
enum Rule {
  DISK_USED_RATIO("diskUsedRatio", Severity.EMERGENCY),
  SUCCESS_RATIO_1H("successRatio1h", Severity.CRITICAL),
  ROTATION_SECONDS("rotationSeconds", Severity.WARNING),
  GROWTH_BYTES_PER_HOUR("growthBytesPerHour", Severity.WARNING),
  NODE_DOWN("nodeDown", Severity.CRITICAL),
  LOCK_UNAVAILABLE("lockUnavailable", Severity.CRITICAL),
  COMPRESSION_RATIO("compressionRatio", Severity.INFO);

  final String id;
  final Severity severity;

  Rule(String id, Severity severity) {
    this.id = id;
    this.severity = severity;
  }
}
