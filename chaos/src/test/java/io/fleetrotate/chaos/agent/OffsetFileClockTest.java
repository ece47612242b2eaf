package io.fleetrotate.chaos.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetFileClockTest {
  @TempDir Path dir;

  @Test
  void followsTheOffsetInTheFileForwardAndBack() throws Exception {
    Instant t = Instant.parse("2026-11-21T10:00:00Z");
    Clock base = Clock.fixed(t, ZoneOffset.UTC);
    Path file = dir.resolve("offset");
    Clock clock = new OffsetFileClock(base, file);

    assertThat(clock.instant()).as("no file: no shift").isEqualTo(t);

    Files.writeString(file, "5400000\n");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> clock.instant().equals(t.plus(Duration.ofMinutes(90))));
    assertThat(clock.millis()).isEqualTo(t.plus(Duration.ofMinutes(90)).toEpochMilli());

    Files.writeString(file, "-3600000");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> clock.instant().equals(t.minus(Duration.ofHours(1))));
  }

  @Test
  void anUnreadableOffsetKeepsThePreviousOne() throws Exception {
    Path file = dir.resolve("offset");
    Files.writeString(file, "not a number");
    assertThat(OffsetFileClock.readOffset(file, 42)).isEqualTo(42);
    Files.writeString(file, "");
    assertThat(OffsetFileClock.readOffset(file, 42)).isZero();
    assertThat(OffsetFileClock.readOffset(dir.resolve("missing"), 42)).isZero();
  }
}
