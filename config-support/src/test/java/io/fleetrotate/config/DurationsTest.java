package io.fleetrotate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesEveryUnitAndCombinations() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1d2h3m4s5ms"))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5));
  }

  @Test
  void refusesBareNumbersUnknownUnitsAndDisorderWithAFix() {
    assertThatThrownBy(() -> Durations.parse("30"))
        .isInstanceOf(ValueFormatException.class)
        .hasMessageStartingWith("\"30\" is not a duration: it needs a unit; write e.g. 30s");
    assertThatThrownBy(() -> Durations.parse("10min"))
        .hasMessageStartingWith("\"10min\" is not a duration; write e.g. 10m");
    assertThatThrownBy(() -> Durations.parse("30m1h"))
        .hasMessage(
            "\"30m1h\" is not a duration: write the largest unit first and each unit once, e.g."
                + " 1h30m");
    assertThatThrownBy(() -> Durations.parse("1h1h")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> Durations.parse("99999999999999999w"))
        .hasMessage("\"99999999999999999w\" is too long for a duration");
  }

  @Test
  void formatsLargestUnitFirstUpToDays() {
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
  }

  @Property
  void formatThenParseRoundTrips(@ForAll("durations") Duration duration) {
    assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
  }

  @Property
  void anyStringEitherParsesOrFailsWithTheTypedError(@ForAll String text) {
    try {
      assertThat(Durations.parse(text).isNegative()).isFalse();
    } catch (ValueFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Property
  void unitLikeStringsEitherParseOrFailWithTheTypedError(@ForAll("unitLike") String text) {
    try {
      assertThat(Durations.parse(text).isNegative()).isFalse();
    } catch (ValueFormatException e) {
      assertThat(e.getMessage()).contains("\"" + text + "\"");
    }
  }

  @Provide
  Arbitrary<Duration> durations() {
    return Arbitraries.longs()
        .between(0, 200L * 365 * 24 * 3600 * 1000)
        .edgeCases(c -> c.add(0L, 1L, 999L, 1000L, 86_400_000L))
        .map(Duration::ofMillis);
  }

  @Provide
  Arbitrary<String> unitLike() {
    return Arbitraries.strings().withChars("0123456789mshdw ").ofMaxLength(24);
  }

  @Property
  void millisecondsWrittenAsAUnitParse(@ForAll @LongRange(min = 0, max = 1_000_000_000) long ms) {
    assertThat(Durations.parse(ms + "ms")).isEqualTo(Duration.ofMillis(ms));
  }
}
