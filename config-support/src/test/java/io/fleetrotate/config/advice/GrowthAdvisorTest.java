package io.fleetrotate.config.advice;

import static io.fleetrotate.config.advice.GrowthAdvisor.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.config.advice.GrowthAdvisor.Footprint;
import io.fleetrotate.config.advice.GrowthAdvisor.Mount;
import java.time.Duration;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class GrowthAdvisorTest {
  private static final long GIB = 1024 * MIB;

  private static long[] hours(int n, long each) {
    long[] out = new long[n];
    Arrays.fill(out, each);
    return out;
  }

  @Test
  void steadyGrowthOnARoomyMountKeepsAWeekOfHourlyBackups() {
    Advice a =
        GrowthAdvisor.advise(
            hours(72, 10 * MIB),
            72,
            new Mount(100 * GIB, 20 * GIB),
            new Footprint(5 * MIB, 0),
            AdvicePolicy.DEFAULTS);

    assertThat(a.p50BytesPerHour()).isEqualTo(10 * MIB);
    assertThat(a.p95BytesPerHour()).isEqualTo(10 * MIB);
    assertThat(a.maxSizeBytes()).isEqualTo(10 * MIB);
    assertThat(a.keep()).isEqualTo(168);
    assertThat(a.maxTotalSizeBytes()).isEqualTo(1680 * MIB);
    assertThat(a.fitsTarget()).isTrue();
    assertThat(a.maxSizeReason())
        .isEqualTo(
            "at the P95 growth of 10MiB/h a 10MiB file rotates at most every 1 hours, no more"
                + " often than the floor of 1h");
    assertThat(a.keepReason())
        .isEqualTo(
            "at the P50 growth of 10MiB/h each 10MiB backup holds 1 hours, so 168 backups cover"
                + " the 7d retention window");
    assertThat(a.maxTotalSizeReason()).startsWith("168 backups of 10MiB take 1.6GiB");
    assertThat(a.basis()).isEqualTo("based on 3 days of measured growth");
  }

  @Test
  void aBurstSizesMaxSizeAndTheTightMountCutsTheBudget() {
    long[] growth = hours(72, 10 * MIB);
    for (int i = 30; i < 36; i++) {
      growth[i] = 120 * MIB; // six hours of burst: above the 95th percentile's rank (69 of 72)
    }
    Advice a =
        GrowthAdvisor.advise(
            growth,
            72,
            new Mount(10 * GIB, 7 * GIB),
            new Footprint(5 * MIB, 0),
            AdvicePolicy.DEFAULTS);

    assertThat(a.p50BytesPerHour()).isEqualTo(10 * MIB);
    assertThat(a.p95BytesPerHour()).isEqualTo(120 * MIB);
    assertThat(a.maxSizeBytes()).isEqualTo(120 * MIB);
    // 168 h at 10MiB/h = 1680MiB, in backups of 120MiB: 14.
    assertThat(a.keep()).isEqualTo(14);
    // 80% of 10GiB = 8192MiB; others 7163MiB; live 120 + burst 120 + one backup 120.
    assertThat(a.maxTotalSizeBytes()).isEqualTo(669 * MIB);
    assertThat(a.fitsTarget()).isTrue();
    assertThat(a.peakUsedRatio()).isLessThanOrEqualTo(0.80);
    assertThat(a.maxTotalSizeReason())
        .isEqualTo(
            "only 669MiB of backups fit under the 80.0% target with the live file at maxSize, a"
                + " P95 burst of 120MiB and one backup being compressed (about 2.8 days of"
                + " history at P50), less than the 7d window wants (1.6GiB): free space or"
                + " accept the shorter history");
  }

  @Test
  void aFileThatDoesNotGrowGetsTheSmallestValues() {
    Advice a =
        GrowthAdvisor.advise(
            hours(48, 0),
            48,
            new Mount(10 * GIB, GIB),
            new Footprint(3 * MIB, 0),
            AdvicePolicy.DEFAULTS);

    assertThat(a.maxSizeBytes()).isEqualTo(MIB);
    assertThat(a.keep()).isEqualTo(1);
    assertThat(a.maxTotalSizeBytes()).isEqualTo(MIB);
    assertThat(a.maxSizeReason()).startsWith("the file did not grow in the hours measured");
    assertThat(a.keepReason()).startsWith("the file hardly grows (P50 0B/h)");
  }

  @Test
  void aFullMountSaysNoBudgetFitsAndAdvisesTheLeast() {
    Advice a =
        GrowthAdvisor.advise(
            hours(24, 10 * MIB),
            24,
            new Mount(10 * GIB, 9 * GIB),
            new Footprint(0, 0),
            AdvicePolicy.DEFAULTS);

    assertThat(a.maxTotalSizeBytes()).isEqualTo(MIB);
    assertThat(a.fitsTarget()).isFalse();
    assertThat(a.maxTotalSizeReason())
        .startsWith("the mount cannot stay under the 80.0% target even without backups");
  }

  @Test
  void aShortHistorySaysSo() {
    Advice a =
        GrowthAdvisor.advise(
            new long[] {6 * MIB},
            0.25,
            new Mount(10 * GIB, GIB),
            new Footprint(0, 0),
            AdvicePolicy.DEFAULTS);

    assertThat(a.basis())
        .isEqualTo(
            "based on only 15 minutes of measured growth; ask again after a day or more for a"
                + " sound P95");
  }

  @Property
  void theAdviceKeepsItsThreePromises(
      @ForAll @Size(min = 1, max = 200) long[] growth,
      @ForAll @LongRange(min = 1, max = 1L << 40) long total,
      @ForAll @IntRange(min = 0, max = 100) int usedPercent,
      @ForAll @IntRange(min = 1, max = 24) int floorHours) {
    long[] g = Arrays.stream(growth).map(x -> Math.floorMod(x, 1L << 32)).toArray();
    AdvicePolicy policy =
        new AdvicePolicy(
            0.8, Duration.ofHours(floorHours), Duration.ofDays(7), Duration.ofHours(1));
    Advice a =
        GrowthAdvisor.advise(
            g, g.length, new Mount(total, total / 100 * usedPercent), new Footprint(0, 0), policy);

    // The floor: even at P95, a rotation no more often than the floor.
    if (a.p95BytesPerHour() > 0) {
      assertThat(a.maxSizeBytes() / (double) a.p95BytesPerHour())
          .isGreaterThanOrEqualTo(floorHours);
    }
    // The window: keep backups hold the retention at P50.
    if (a.p50BytesPerHour() > 0) {
      assertThat(a.keep() * (double) a.maxSizeBytes() / a.p50BytesPerHour())
          .isGreaterThanOrEqualTo(7 * 24);
    }
    // The budget never exceeds what keep backups take, and the peak is under the target when
    // the advice says it fits.
    assertThat(a.maxTotalSizeBytes())
        .isLessThanOrEqualTo(Math.max(MIB, a.keep() * a.maxSizeBytes()));
    if (a.fitsTarget()) {
      assertThat(a.peakUsedRatio()).isLessThanOrEqualTo(0.8);
    }
    assertThat(a.maxSizeBytes() % MIB).isZero();
    assertThat(a.maxTotalSizeBytes() % MIB).isZero();
  }
}
