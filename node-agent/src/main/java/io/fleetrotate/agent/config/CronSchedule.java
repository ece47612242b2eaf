package io.fleetrotate.agent.config;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.fleetrotate.config.Sizes;
import io.fleetrotate.config.ValueFormatException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Objects;
import java.util.Optional;

/**
 * A 5-field Unix cron expression ({@code minute hour day-of-month month day-of-week}) read in a
 * time zone, as used by {@code files[].trigger.schedule}.
 *
 * <p>Daylight-saving changes follow cron's habit rather than cron-utils': a time that does not
 * exist on the day clocks go forward (02:30 in Europe/Paris on the last Sunday of March) fires at
 * the moment the clocks jump, instead of being skipped for the day; a time that happens twice when
 * clocks go back fires once, the first time. cron-utils skips the first case, which would silently
 * drop a nightly rotation once a year. This works by letting cron-utils compute wall-clock times in
 * UTC (which has no such changes) and mapping them into the zone here.
 */
public final class CronSchedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime wallClock;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime wallClock) {
    this.expression = expression;
    this.zone = zone;
    this.wallClock = wallClock;
  }

  /**
   * Parses {@code expression} as a 5-field Unix cron expression in {@code zone}.
   *
   * @throws ValueFormatException if the expression is not valid or never fires
   */
  public static CronSchedule parse(String expression, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (expression == null || expression.isBlank()) {
      throw new ValueFormatException(
          "an empty schedule never fires; write a 5-field cron expression like \"0 2 * * *\"");
    }
    String trimmed = expression.strip();
    if (trimmed.startsWith("@")) {
      throw new ValueFormatException(
          Sizes.quote(expression)
              + " is not supported: write the 5 fields instead of a nickname, e.g. \"0 0 * * *\""
              + " for @daily");
    }
    Cron cron;
    try {
      cron = PARSER.parse(trimmed).validate();
    } catch (RuntimeException e) {
      throw new ValueFormatException(
          Sizes.quote(expression)
              + " is not a 5-field cron expression (minute hour day-of-month month day-of-week): "
              + e.getMessage());
    }
    CronSchedule schedule = new CronSchedule(trimmed, zone, ExecutionTime.forCron(cron));
    // "0 0 30 2 *" parses but never fires; a rotation that never happens must not pass silently.
    if (schedule.nextExecutionAfter(ZonedDateTime.now(zone)).isEmpty()) {
      throw new ValueFormatException(Sizes.quote(expression) + " never fires");
    }
    return schedule;
  }

  /** The expression as written (trimmed), e.g. {@code 0 2 * * *}. */
  public String expression() {
    return expression;
  }

  /** The zone the expression's hours and days are read in. */
  public ZoneId zone() {
    return zone;
  }

  /** The latest scheduled time at or before {@code time}, in {@link #zone()}. */
  public Optional<ZonedDateTime> lastExecutionBefore(ZonedDateTime time) {
    LocalDateTime local = time.withZoneSameInstant(zone).toLocalDateTime();
    // cron-utils' lastExecution is strictly before; one nanosecond later makes it "at or before".
    return wallClock
        .lastExecution(local.plusNanos(1).atZone(ZoneOffset.UTC))
        .map(utc -> toZone(utc.toLocalDateTime()));
  }

  /** The earliest scheduled time strictly after {@code time}, in {@link #zone()}. */
  public Optional<ZonedDateTime> nextExecutionAfter(ZonedDateTime time) {
    ZonedDateTime inZone = time.withZoneSameInstant(zone);
    Optional<ZonedDateTime> next = nextWallClock(inZone.toLocalDateTime());
    if (next.isPresent() && !next.get().isAfter(inZone)) {
      // time is in the second pass of a repeated hour and next's wall-clock time already fired in
      // the first pass: look again from the end of the repeated hour.
      ZoneOffsetTransition overlap =
          zone.getRules().previousTransition(inZone.toInstant().plusNanos(1));
      next =
          overlap == null
              ? Optional.empty()
              : nextWallClock(overlap.getDateTimeBefore().minusNanos(1));
    }
    return next;
  }

  /**
   * Whether a scheduled time falls in {@code (since, now]}: the question a schedule trigger asks
   * with {@code since} = the last rotation.
   */
  public boolean firedBetween(Instant since, Instant now) {
    return lastExecutionBefore(now.atZone(zone))
        .map(last -> last.toInstant().isAfter(since))
        .orElse(false);
  }

  private Optional<ZonedDateTime> nextWallClock(LocalDateTime local) {
    return wallClock
        .nextExecution(local.atZone(ZoneOffset.UTC))
        .map(utc -> toZone(utc.toLocalDateTime()));
  }

  /**
   * Maps a wall-clock time into the zone: gap times to the end of the gap, repeats to the first.
   */
  private ZonedDateTime toZone(LocalDateTime local) {
    if (zone.getRules().getValidOffsets(local).isEmpty()) {
      ZoneOffsetTransition gap = zone.getRules().getTransition(local);
      return gap.getInstant().atZone(zone);
    }
    return ZonedDateTime.ofLocal(local, zone, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule other
        && expression.equals(other.expression)
        && zone.equals(other.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone);
  }

  @Override
  public String toString() {
    return '"' + expression + "\" in " + zone;
  }
}
