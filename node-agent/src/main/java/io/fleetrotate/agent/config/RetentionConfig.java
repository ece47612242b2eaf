package io.fleetrotate.agent.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Which backups to keep ({@code files[].retention}). A backup is deleted as soon as any set limit
 * says so; an empty limit does not apply.
 *
 * <p>Defaults: with no {@code retention} section, or an empty one, {@code keep} is 30. Once {@code
 * maxAge} or {@code maxTotalSize} is written, {@code keep} applies only when written too: {@code
 * retention: {maxAge: 90d}} means "90 days", not "90 days but at most 30 backups".
 *
 * @param keep at most this many backups (>= 0; 0 deletes each backup once the next step is done)
 * @param maxAge delete backups older than this (by the time they were rotated)
 * @param maxTotalSizeBytes delete the oldest backups while all of them together exceed this
 */
public record RetentionConfig(
    OptionalInt keep, Optional<Duration> maxAge, OptionalLong maxTotalSizeBytes) {
  /** The {@code keep} applied when no limit is written. */
  public static final int DEFAULT_KEEP = 30;

  /** The retention of a file written without one: the newest 30 backups. */
  public static final RetentionConfig DEFAULT =
      new RetentionConfig(OptionalInt.of(DEFAULT_KEEP), Optional.empty(), OptionalLong.empty());

  public RetentionConfig {
    Objects.requireNonNull(keep, "keep");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(maxTotalSizeBytes, "maxTotalSizeBytes");
  }
}
