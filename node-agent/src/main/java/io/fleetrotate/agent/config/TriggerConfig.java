package io.fleetrotate.agent.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When a file is due ({@code files[].trigger}). It is due when any of the three triggers fires and
 * it is at least {@code minSizeBytes} long (and, when empty, only if {@code rotateEmpty}).
 *
 * <p>At least one of maxSize, schedule and maxAge is set. A file written without a {@code trigger}
 * section gets {@link #DEFAULT}, a daily rotation by age; a {@code trigger} section that sets none
 * of the three is refused, so no spelling mistake turns rotation off.
 *
 * @param maxSizeBytes rotate once the file is this long (> 0)
 * @param schedule rotate when a scheduled time has passed since the last rotation; written as
 *     {@code schedule: "0 2 * * *"} with an optional {@code timeZone: Europe/Paris} beside it in
 *     the trigger (default: the host's zone, as cron does)
 * @param maxAge rotate once this much time has passed since the last rotation (> 0)
 * @param minSizeBytes never rotate a shorter file (default 0)
 * @param rotateEmpty whether an empty file rotates (default false)
 */
public record TriggerConfig(
    OptionalLong maxSizeBytes,
    Optional<CronSchedule> schedule,
    Optional<Duration> maxAge,
    long minSizeBytes,
    boolean rotateEmpty) {
  /** The trigger of a file written without one: every 24 hours, non-empty files only. */
  public static final TriggerConfig DEFAULT =
      new TriggerConfig(
          OptionalLong.empty(), Optional.empty(), Optional.of(Duration.ofHours(24)), 0, false);

  public TriggerConfig {
    Objects.requireNonNull(maxSizeBytes, "maxSizeBytes");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxSizeBytes.isEmpty() && schedule.isEmpty() && maxAge.isEmpty()) {
      throw new IllegalArgumentException("a trigger needs maxSize, schedule or maxAge");
    }
    if (minSizeBytes < 0) {
      throw new IllegalArgumentException("minSizeBytes must be >= 0: " + minSizeBytes);
    }
  }
}
