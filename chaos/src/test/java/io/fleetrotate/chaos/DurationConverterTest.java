package io.fleetrotate.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsDurationsAsTheConfigurationDoes() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void refusesWithOneSentence() {
    assertThatThrownBy(() -> converter.convert("30"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage(
            "\"30\" is not a duration: it needs a unit; write e.g. 30s"
                + " (units: ms, s, m, h, d, w; combine like 1h30m)");
    assertThatThrownBy(() -> converter.convert("0s"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("0s is too short: write a duration of more than zero, e.g. 90s");
  }
}
