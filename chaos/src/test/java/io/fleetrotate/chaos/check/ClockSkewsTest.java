package io.fleetrotate.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockSkewsTest {
  private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private static final Instant END = T0.plusSeconds(300);

  private static Rotation rotation(String id, String node, Instant start, Instant end, long token) {
    return new Rotation(
        id, node, "g", "/l", "SCHEDULE", start, end, "SUCCESS", null, "redis", token);
  }

  @Test
  void mapsEachTimeBackByTheOffsetInForceWhenItWasWritten() {
    ClockSkews skews = new ClockSkews();
    skews.shift("a", T0.plusSeconds(10), Duration.ofMinutes(150));
    skews.shift("a", T0.plusSeconds(30), Duration.ofMinutes(30));

    assertThat(skews.real("a", T0.plusSeconds(5), END)).isEqualTo(T0.plusSeconds(5));
    assertThat(skews.real("a", T0.plusSeconds(20).plus(Duration.ofMinutes(150)), END))
        .isEqualTo(T0.plusSeconds(20));
    assertThat(skews.real("a", T0.plusSeconds(40).plus(Duration.ofMinutes(30)), END))
        .isEqualTo(T0.plusSeconds(40));
    assertThat(skews.real("b", T0, END)).as("an unshifted node").isEqualTo(T0);
  }

  @Test
  void aRotationAcrossAJumpBackHasBothEndsOnTheRealTimeLine() {
    ClockSkews skews = new ClockSkews();
    skews.shift("a", T0, Duration.ofHours(2));
    skews.shift("a", T0.plusSeconds(60), Duration.ofHours(1));
    // Began at real +59 s under +2 h, finished at real +61 s under +1 h: its agent times run
    // backwards, the real ones must not.
    Rotation r =
        rotation(
            "e1",
            "a",
            T0.plusSeconds(59).plus(Duration.ofHours(2)),
            T0.plusSeconds(61).plus(Duration.ofHours(1)),
            7);
    Rotation fixed = skews.correct(List.of(r), END).get(0);
    assertThat(fixed.startedAt()).isEqualTo(T0.plusSeconds(59));
    assertThat(fixed.finishedAt()).isEqualTo(T0.plusSeconds(61));
  }

  @Test
  void correctedHistoryLetsTheOrderingChecksSeeTheRealOverlap() {
    ClockSkews skews = new ClockSkews();
    skews.shift("a", T0, Duration.ofHours(3));
    // a (clock +3 h) and b overlap in real time: uncorrected, a's times are hours away.
    Rotation a =
        rotation(
            "ea",
            "a",
            T0.plusSeconds(10).plus(Duration.ofHours(3)),
            T0.plusSeconds(20).plus(Duration.ofHours(3)),
            5);
    Rotation b = rotation("eb", "b", T0.plusSeconds(15), T0.plusSeconds(25), 6);
    assertThat(Invariants.overlaps(List.of(a, b))).isEmpty();
    assertThat(Invariants.overlaps(skews.correct(List.of(a, b), END))).hasSize(1);
  }
}
