package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.config.ValueFormatException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Test
  void lastExecutionIsAtOrBeforeAndNextIsStrictlyAfter() {
    CronSchedule nightly = CronSchedule.parse("0 2 * * *", PARIS);
    ZonedDateTime twoAm = ZonedDateTime.parse("2024-05-01T02:00+02:00[Europe/Paris]");

    assertThat(nightly.lastExecutionBefore(twoAm)).contains(twoAm);
    assertThat(nightly.lastExecutionBefore(twoAm.minusNanos(1))).contains(twoAm.minusDays(1));
    assertThat(nightly.nextExecutionAfter(twoAm)).contains(twoAm.plusDays(1));
  }

  @Test
  void timesInOtherZonesAreReadInTheSchedulesZone() {
    CronSchedule nightly = CronSchedule.parse("0 2 * * *", PARIS);

    // 00:30 UTC is 02:30 in Paris in summer: today's 02:00 has passed there.
    assertThat(nightly.lastExecutionBefore(ZonedDateTime.parse("2024-05-01T00:30Z")))
        .contains(ZonedDateTime.parse("2024-05-01T02:00+02:00[Europe/Paris]"));
  }

  @Test
  void firedBetweenTellsWhetherAScheduledTimePassedSinceTheLastRotation() {
    CronSchedule nightly = CronSchedule.parse("0 2 * * *", ZoneId.of("UTC"));
    Instant lastRotation = Instant.parse("2024-05-01T02:00:05Z");

    assertThat(nightly.firedBetween(lastRotation, Instant.parse("2024-05-02T01:59:59Z"))).isFalse();
    assertThat(nightly.firedBetween(lastRotation, Instant.parse("2024-05-02T02:00:00Z"))).isTrue();
  }

  @Test
  void timeSkippedBySpringForwardFiresWhenClocksJumpInsteadOfBeingSkipped() {
    CronSchedule halfPastTwo = CronSchedule.parse("30 2 * * *", PARIS);
    // 2024-03-31 02:00 -> 03:00 in Paris: 02:30 does not exist that day.
    ZonedDateTime dayBefore = ZonedDateTime.parse("2024-03-30T12:00+01:00[Europe/Paris]");

    ZonedDateTime next = halfPastTwo.nextExecutionAfter(dayBefore).orElseThrow();

    assertThat(next.toInstant()).isEqualTo(Instant.parse("2024-03-31T01:00:00Z"));
    assertThat(halfPastTwo.lastExecutionBefore(next.plusMinutes(10))).contains(next);
  }

  @Test
  void timeRepeatedByFallBackFiresOnlyOnce() {
    CronSchedule halfPastTwo = CronSchedule.parse("30 2 * * *", PARIS);
    // 2024-10-27 03:00 -> 02:00 in Paris: 02:30 happens at 00:30Z and again at 01:30Z.
    ZonedDateTime first =
        halfPastTwo
            .nextExecutionAfter(ZonedDateTime.parse("2024-10-26T12:00+02:00[Europe/Paris]"))
            .orElseThrow();
    assertThat(first.toInstant()).isEqualTo(Instant.parse("2024-10-27T00:30:00Z"));

    ZonedDateTime secondPass = Instant.parse("2024-10-27T01:10:00Z").atZone(PARIS);
    assertThat(halfPastTwo.nextExecutionAfter(secondPass).orElseThrow().toLocalDate())
        .isEqualTo(java.time.LocalDate.parse("2024-10-28"));
  }

  @Test
  void nicknamesAndWrongFieldCountsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> CronSchedule.parse("@daily", PARIS))
        .isInstanceOf(ValueFormatException.class)
        .hasMessageContaining("0 0 * * *");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 2 * * *", PARIS))
        .isInstanceOf(ValueFormatException.class)
        .hasMessageContaining("6 parts");
    assertThat(CronSchedule.parse(" 0 2 * * MON-FRI ", PARIS).expression())
        .isEqualTo("0 2 * * MON-FRI");
  }
}
