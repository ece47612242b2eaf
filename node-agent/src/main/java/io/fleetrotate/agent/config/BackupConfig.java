package io.fleetrotate.agent.config;

import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

/**
 * How backups are named and where they go ({@code files[].backup}).
 *
 * @param dateFormat a {@link DateTimeFormatter} pattern (default {@code yyyyMMdd-HHmmss}) whose
 *     output is safe in a file name (no {@code /}, no white space) and changes from one day to the
 *     next
 * @param dir an absolute directory on the same file system as the log (a rename must not copy);
 *     empty means the log's own directory
 */
public record BackupConfig(String dateFormat, Optional<Path> dir) {
  public static final String DEFAULT_DATE_FORMAT = "yyyyMMdd-HHmmss";

  /** Backups named with the default date format, beside the log. */
  public static final BackupConfig DEFAULT =
      new BackupConfig(DEFAULT_DATE_FORMAT, Optional.empty());

  public BackupConfig {
    Objects.requireNonNull(dateFormat, "dateFormat");
    Objects.requireNonNull(dir, "dir");
  }

  /** The formatter for {@link #dateFormat()}; callers choose the zone (e.g. {@code withZone}). */
  public DateTimeFormatter formatter() {
    return DateTimeFormatter.ofPattern(dateFormat);
  }
}
