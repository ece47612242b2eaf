package io.fleetrotate.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** A sample's value reads back as the very double the coordinator held. */
class ExpositionNumberTest {
  @Property(tries = 20_000)
  void everyFiniteDoubleReadsBackTheSame(@ForAll double v) {
    assertThat(Double.parseDouble(written(v))).isEqualTo(v);
  }

  @Property(tries = 20_000)
  void ratiosOfByteCountsReadBackTheSame(@ForAll long used, @ForAll long total) {
    if (total == 0) {
      return;
    }
    double ratio = Math.abs((double) used / total);
    assertThat(Double.parseDouble(written(ratio))).isEqualTo(ratio);
  }

  @Test
  void valuesAreWrittenWithTheFewestDecimals() {
    assertThat(written(0.9)).isEqualTo("0.9");
    assertThat(written(-2.5)).isEqualTo("-2.5");
    assertThat(written(1234.5)).isEqualTo("1234.5");
    assertThat(written(0.05)).isEqualTo("0.05");
    assertThat(written(3)).isEqualTo("3");
    assertThat(written(-0.0)).isEqualTo("0");
    assertThat(written(40_000_000_000.0 / 107_374_182_400.0)).isEqualTo("0.3725290298461914");
    assertThat(written(1e-9)).isEqualTo("1.0E-9");
    assertThat(written(Double.NaN)).isEqualTo("NaN");
    assertThat(written(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
  }

  private static String written(double v) {
    Exposition out = new Exposition();
    out.number(v);
    return out.text();
  }
}
