package io.fleetrotate.proto;

import java.time.Instant;

/**
 * The state of one watched log file, as of its heartbeat.
 *
 * @param path the watched file
 * @param sizeBytes current size, >= 0
 * @param growthBytesPerSecond recent growth rate; finite, negative when the file shrank
 * @param backupCount rotated backups kept, >= 0
 * @param backupBytes total size of those backups, >= 0
 * @param lastRotation when the file was last rotated, or null if never
 * @param lastResult how the last rotation attempt ended, or null if none was attempted
 */
public record FileStatus(
    String path,
    long sizeBytes,
    double growthBytesPerSecond,
    int backupCount,
    long backupBytes,
    Instant lastRotation,
    Result lastResult) {
  public FileStatus {
    Rules.text("path", path, WireLimits.MAX_PATH_LENGTH);
    Rules.nonNegative("sizeBytes", sizeBytes);
    Rules.finite("growthBytesPerSecond", growthBytesPerSecond);
    Rules.nonNegative("backupCount", backupCount);
    Rules.nonNegative("backupBytes", backupBytes);
    Rules.optionalTimestamp("lastRotation", lastRotation);
  }
}
