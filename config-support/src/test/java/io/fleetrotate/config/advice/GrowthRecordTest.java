package io.fleetrotate.config.advice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class GrowthRecordTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void eachWholeHourIsOneSampleAndARotationCountsTheNewSize() {
    GrowthRecord r = new GrowthRecord();
    r.observe(1000, T0);
    r.observe(4000, T0.plusSeconds(1800));
    r.observe(6000, T0.plusSeconds(3600)); // hour 1: +3000, then +2000 lands in hour 2
    r.observe(500, T0.plusSeconds(5400)); // rotated: 500 new bytes
    r.observe(900, T0.plusSeconds(7200));

    assertThat(r.samples().orElseThrow().hourlyGrowth()).containsExactly(3000, 2500);
    assertThat(r.samples().orElseThrow().hoursMeasured()).isEqualTo(2.0);
  }

  @Test
  void beforeTheFirstWholeHourThePartialHourIsExtrapolated() {
    GrowthRecord r = new GrowthRecord();
    r.observe(0, T0);
    assertThat(r.samples()).isEmpty();
    r.observe(600, T0.plusSeconds(600));

    GrowthRecord.Samples s = r.samples().orElseThrow();
    assertThat(s.hourlyGrowth()).containsExactly(3600);
    assertThat(s.hoursMeasured()).isEqualTo(600 / 3600.0);
  }

  @Test
  void onlyTheNewestHoursAreKept() {
    GrowthRecord r = new GrowthRecord(3);
    for (int h = 0; h <= 5; h++) {
      r.observe(h * 100L, T0.plusSeconds(h * 3600L));
    }
    assertThat(r.samples().orElseThrow().hourlyGrowth()).containsExactly(100, 100, 100);
  }

  @Test
  void encodeAndDecodeRoundTrip() {
    GrowthRecord r = new GrowthRecord();
    r.observe(10, T0);
    r.observe(70, T0.plusSeconds(3600));
    r.observe(90, T0.plusSeconds(4000));
    GrowthRecord back = GrowthRecord.decode(r.encode(), GrowthRecord.DEFAULT_CAPACITY);

    assertThat(back.encode()).isEqualTo(r.encode());
    back.observe(100, T0.plusSeconds(7200));
    assertThat(back.samples().orElseThrow().hourlyGrowth()).containsExactly(0, 80);
    assertThatThrownBy(() -> GrowthRecord.decode("v2 1 2", 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
