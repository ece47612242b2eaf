package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.lock.member.LeaseTable;
import io.fleetrotate.testsupport.RedisExtension;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The queue order's score has one rule, {@link LeaseTable#score}, and a second implementation in
 * {@code redis-common.lua}, run by a real redis-server on its own clock. Both must agree on every
 * input, edge cases included (NaN, negative and above-1 priorities, halves that round up, a zero
 * boost window, arrivals before the epoch).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueScoreScriptTest {
  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  private static final String SCORE_EACH =
      RedisScripts.common()
          + "\nlocal out = {}"
          + "\nfor i = 1, #ARGV, 3 do"
          + "\n  out[#out + 1] = score(tonumber(ARGV[i]), tonumber(ARGV[i + 1]),"
          + " tonumber(ARGV[i + 2]))"
          + "\nend"
          + "\nreturn out";

  @Test
  void theLuaScoreIsTheJavaScoreOnManyInputs() {
    List<long[]> cases = new ArrayList<>();
    List<Double> priorities = new ArrayList<>();
    double[] edges = {
      Double.NaN,
      Double.NEGATIVE_INFINITY,
      -1,
      -0.0,
      0,
      Double.MIN_VALUE,
      1e-9,
      0.25,
      0.5,
      0.49999999999999994,
      0.9,
      0.95,
      0.999999,
      1,
      1.0000001,
      7,
      Double.POSITIVE_INFINITY
    };
    long[] windows = {0, 1, 2, 3, 999, 1000, 600_000, 3_600_000, 86_400_000};
    long[] arrivals = {0, 1, -1, 1_764_633_600_000L, -5_000_000L};
    for (double p : edges) {
      for (long w : windows) {
        for (long a : arrivals) {
          priorities.add(p);
          cases.add(new long[] {a, w});
        }
      }
    }
    SplittableRandom random = new SplittableRandom(20261202);
    for (int i = 0; i < 3000; i++) {
      priorities.add(random.nextInt(10) == 0 ? random.nextDouble(-0.5, 1.5) : random.nextDouble());
      // Windows with odd halves: p x w lands on .5 often.
      long w =
          random.nextInt(4) == 0 ? 2L * random.nextInt(1, 1000) + 1 : random.nextLong(0, 1L << 31);
      cases.add(new long[] {random.nextLong(0, 1L << 42), w});
    }

    List<Long> expected = new ArrayList<>();
    List<Long> actual = new ArrayList<>();
    try (RedisAdmin admin = new RedisAdmin(redis.server().uri())) {
      for (int from = 0; from < cases.size(); from += 500) {
        int to = Math.min(cases.size(), from + 500);
        List<String> args = new ArrayList<>();
        for (int i = from; i < to; i++) {
          long arrival = cases.get(i)[0];
          long window = cases.get(i)[1];
          double priority = priorities.get(i);
          args.add(Long.toString(arrival));
          // As RedisFleetLock sends it.
          args.add(Double.toString(priority));
          args.add(Long.toString(window));
          expected.add(LeaseTable.score(arrival, priority, window));
        }
        List<Long> scores =
            admin
                .sync()
                .eval(
                    SCORE_EACH, ScriptOutputType.MULTI, new String[0], args.toArray(String[]::new));
        actual.addAll(scores);
      }
    }
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i))
          .as(
              "score(arrival %d, priority %s, window %d)",
              cases.get(i)[0], priorities.get(i), cases.get(i)[1])
          .isEqualTo(expected.get(i));
    }
  }
}
