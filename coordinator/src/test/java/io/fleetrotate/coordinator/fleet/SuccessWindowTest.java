package io.fleetrotate.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuccessWindowTest {
  static final long BUCKET = 300_000;
  static final int BUCKETS = 12;

  /**
   * Tallies, including those of windows that end long after the last rotation (answered without
   * walking the buckets), against a model of the window kept as a map of buckets: random rotations
   * from before the window to ahead of the clock, the clock moving on by seconds or hours and now
   * and then back.
   */
  @Test
  void tallyMatchesAModelOfTheBucketsAsTheClockMoves() {
    Random random = new Random(15);
    for (int run = 0; run < 200; run++) {
      SuccessWindow window = new SuccessWindow(BUCKET, BUCKETS);
      Map<Long, long[]> model = new HashMap<>();
      long now = 1_795_000_000_000L + random.nextInt(1_000_000);
      for (int step = 0; step < 300; step++) {
        switch (random.nextInt(10)) {
          case 0 -> now += (1 + random.nextInt(30)) * 3_600_000L;
          case 1 -> now -= random.nextInt(900_000);
          default -> now += random.nextInt(120_000);
        }
        if (random.nextInt(3) > 0) {
          long finished = now - random.nextInt(5 * 3_600_000) + 600_000;
          long ok = random.nextInt(3);
          long failed = random.nextInt(2);
          window.add(finished, ok, failed, now);
          add(model, finished, ok, failed, now);
        }
        long at = now + random.nextInt(7_200_000) - 600_000;
        int buckets = 1 + random.nextInt(BUCKETS);
        assertThat(window.tally(at, buckets))
            .as("run %d step %d", run, step)
            .isEqualTo(tally(model, at, buckets));
      }
    }
  }

  @Test
  void aWindowPastItsLastRotationTalliesNoneAndCountsAgainAfterTheNext() {
    SuccessWindow window = new SuccessWindow(BUCKET, BUCKETS);
    long now = 1_795_000_000_000L;
    window.add(now, true, now);
    window.add(now, false, now);
    assertThat(window.tally(now, BUCKETS)).isEqualTo(new SuccessTally(1, 1));
    assertThat(window.tally(now + BUCKETS * BUCKET, BUCKETS)).isEqualTo(SuccessTally.NONE);
    long later = now + 30 * BUCKET;
    window.add(later, true, later);
    assertThat(window.tally(later, BUCKETS)).isEqualTo(new SuccessTally(1, 0));
  }

  /** The model: one bucket per slot, a bucket replacing the one in its slot. */
  private static void add(Map<Long, long[]> model, long finished, long ok, long failed, long now) {
    long nowId = Math.floorDiv(now, BUCKET);
    long id = Math.min(Math.floorDiv(finished, BUCKET), nowId);
    if (id <= nowId - BUCKETS) {
      return;
    }
    model
        .keySet()
        .removeIf(k -> k != id && Math.floorMod(k, BUCKETS) == Math.floorMod(id, BUCKETS));
    long[] counts = model.computeIfAbsent(id, k -> new long[2]);
    counts[0] += ok;
    counts[1] += failed;
  }

  private static SuccessTally tally(Map<Long, long[]> model, long at, int buckets) {
    long nowId = Math.floorDiv(at, BUCKET);
    long ok = 0;
    long failed = 0;
    for (Map.Entry<Long, long[]> e : model.entrySet()) {
      if (e.getKey() > nowId - buckets && e.getKey() <= nowId) {
        ok += e.getValue()[0];
        failed += e.getValue()[1];
      }
    }
    return new SuccessTally(ok, failed);
  }
}
