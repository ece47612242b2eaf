package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static List<Duration> waits(Backoff b, int n) {
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      waits.add(b.next());
    }
    return waits;
  }

  @Test
  void theCeilingDoublesFromTheFirstWaitUpToTheCap() {
    Backoff highest = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.999_999);

    assertThat(waits(highest, 9))
        .extracting(d -> Math.round(d.toMillis() / 100.0) * 100)
        .containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
  }

  @Test
  void jitterKeepsEachWaitBetweenHalfAndAllOfItsCeiling() {
    Backoff lowest = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.0);

    assertThat(waits(lowest, 8))
        .containsExactly(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(15),
            Duration.ofSeconds(15));
  }

  @Test
  void aResetStartsOverFromTheFirstWait() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.0);
    waits(b, 5);

    b.reset();

    assertThat(b.failures()).isZero();
    assertThat(b.next()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void manyFailuresDoNotOverflowPastTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.5);

    List<Duration> all = waits(b, 200);

    assertThat(all.get(199)).isEqualTo(Duration.ofMillis(22_500));
  }
}
