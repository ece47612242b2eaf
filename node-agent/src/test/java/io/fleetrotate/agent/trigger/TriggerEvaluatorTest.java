package io.fleetrotate.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.config.CronSchedule;
import io.fleetrotate.agent.config.TriggerConfig;
import io.fleetrotate.proto.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TriggerEvaluatorTest {

  private static final long MIB = 1 << 20;
  private static final Instant SINCE = Instant.parse("2026-11-20T12:00:00Z");

  private static TriggerConfig trigger(
      Long maxSize, String cron, Duration maxAge, long minSize, boolean rotateEmpty) {
    return new TriggerConfig(
        maxSize == null ? OptionalLong.empty() : OptionalLong.of(maxSize),
        Optional.ofNullable(cron).map(c -> CronSchedule.parse(c, ZoneId.of("UTC"))),
        Optional.ofNullable(maxAge),
        minSize,
        rotateEmpty);
  }

  @Test
  void sizeFiresAtTheLimitNotBelow() {
    TriggerConfig t = trigger(100 * MIB, null, null, 0, false);
    Instant now = SINCE.plusSeconds(60);
    assertThat(TriggerEvaluator.due(t, 100 * MIB - 1, SINCE, now)).isEmpty();
    assertThat(TriggerEvaluator.due(t, 100 * MIB, SINCE, now)).contains(Trigger.SIZE);
  }

  @Test
  void scheduleFiresOnceAScheduledTimePassedSinceTheLastRotation() {
    TriggerConfig t = trigger(null, "0 2 * * *", null, 0, false);
    assertThat(TriggerEvaluator.due(t, 10, SINCE, Instant.parse("2026-11-21T01:59:59Z"))).isEmpty();
    assertThat(TriggerEvaluator.due(t, 10, SINCE, Instant.parse("2026-11-21T02:00:00Z")))
        .contains(Trigger.SCHEDULE);
    // Rotated at 02:00:05: the same scheduled time does not fire again.
    assertThat(
            TriggerEvaluator.due(
                t,
                10,
                Instant.parse("2026-11-21T02:00:05Z"),
                Instant.parse("2026-11-21T09:00:00Z")))
        .isEmpty();
  }

  @Test
  void scheduleHonoursItsTimeZone() {
    TriggerConfig t =
        new TriggerConfig(
            OptionalLong.empty(),
            Optional.of(CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Paris"))),
            Optional.empty(),
            0,
            false);
    // 02:00 in Paris is 01:00 UTC in November.
    assertThat(TriggerEvaluator.due(t, 10, SINCE, Instant.parse("2026-11-21T01:00:00Z")))
        .contains(Trigger.SCHEDULE);
  }

  @Test
  void ageFiresWhenMaxAgeHasPassedSinceTheLastRotation() {
    TriggerConfig t = trigger(null, null, Duration.ofHours(24), 0, false);
    assertThat(TriggerEvaluator.due(t, 10, SINCE, SINCE.plus(Duration.ofHours(23)))).isEmpty();
    assertThat(TriggerEvaluator.due(t, 10, SINCE, SINCE.plus(Duration.ofHours(24))))
        .contains(Trigger.AGE);
  }

  @Test
  void minSizeVetoesEveryTrigger() {
    TriggerConfig t = trigger(10L, "* * * * *", Duration.ofSeconds(1), 1000, false);
    assertThat(TriggerEvaluator.due(t, 999, SINCE, SINCE.plus(Duration.ofDays(3)))).isEmpty();
  }

  @Test
  void anEmptyFileRotatesOnlyWhenAllowed() {
    Instant later = SINCE.plus(Duration.ofDays(2));
    assertThat(
            TriggerEvaluator.due(
                trigger(null, null, Duration.ofHours(1), 0, false), 0, SINCE, later))
        .isEmpty();
    assertThat(
            TriggerEvaluator.due(
                trigger(null, null, Duration.ofHours(1), 0, true), 0, SINCE, later))
        .contains(Trigger.AGE);
  }

  @Test
  void sizeWinsWhenSeveralFire() {
    TriggerConfig t = trigger(1L, "* * * * *", Duration.ofSeconds(1), 0, false);
    assertThat(TriggerEvaluator.due(t, 5, SINCE, SINCE.plus(Duration.ofHours(2))))
        .contains(Trigger.SIZE);
  }

  @Test
  void nextTimedIsTheEarlierOfScheduleAndAge() {
    TriggerConfig t = trigger(null, "0 2 * * *", Duration.ofHours(6), 0, false);
    Instant now = SINCE.plusSeconds(60);
    assertThat(TriggerEvaluator.nextTimed(t, SINCE, now)).contains(SINCE.plus(Duration.ofHours(6)));
    TriggerConfig daily = trigger(null, "0 2 * * *", Duration.ofDays(3), 0, false);
    assertThat(TriggerEvaluator.nextTimed(daily, SINCE, now))
        .contains(Instant.parse("2026-11-21T02:00:00Z"));
  }
}
