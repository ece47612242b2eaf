package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  /** Backups one day apart, the last one yesterday; sizes as given, oldest first. */
  private static List<Backup> daily(long... sizes) {
    List<Backup> list = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      Instant at = NOW.minus(Duration.ofDays(sizes.length - i));
      list.add(new Backup(Path.of("/l/s.log." + i + ".zst"), at, 0, ".zst", sizes[i]));
    }
    return list;
  }

  private static RetentionPolicy policy(Integer keep, Duration maxAge, Long maxTotal) {
    return new RetentionPolicy(
        keep == null ? OptionalInt.empty() : OptionalInt.of(keep),
        Optional.ofNullable(maxAge),
        maxTotal == null ? OptionalLong.empty() : OptionalLong.of(maxTotal));
  }

  @Test
  void keepCountDeletesTheOldestBeyondIt() {
    List<Backup> b = daily(1, 1, 1, 1, 1);
    assertThat(policy(3, null, null).toDelete(b, NOW)).containsExactly(b.get(0), b.get(1));
  }

  @Test
  void maxAgeDeletesBackupsOlderThanIt() {
    List<Backup> b = daily(1, 1, 1, 1, 1); // ages 5,4,3,2,1 days
    assertThat(policy(null, Duration.ofDays(3).plusHours(1), null).toDelete(b, NOW))
        .containsExactly(b.get(0), b.get(1));
  }

  @Test
  void totalSizeBudgetDeletesOldestFirst() {
    List<Backup> b = daily(100, 100, 100, 100);
    assertThat(policy(null, null, 250L).toDelete(b, NOW)).containsExactly(b.get(0), b.get(1));
  }

  @Test
  void aLargeOldBackupDoesNotLetAnOlderSmallOneSurvive() {
    List<Backup> b = daily(10, 500, 10);
    // The 500 does not fit after the newest 10: it and everything older go.
    assertThat(policy(null, null, 100L).toDelete(b, NOW)).containsExactly(b.get(0), b.get(1));
  }

  @Test
  void theNewestBackupOutlivesASizeBudgetItAloneExceeds() {
    List<Backup> b = daily(10, 10, 500);
    // The rotation that just made the 500 does not delete its own data: the older ones go.
    assertThat(policy(null, null, 100L).toDelete(b, NOW)).containsExactly(b.get(0), b.get(1));
    // keep: 0 still deletes it.
    assertThat(policy(0, null, 100L).toDelete(b, NOW)).containsExactlyElementsOf(b);
  }

  @Test
  void rulesCombine() {
    List<Backup> b = daily(10, 10, 10, 10, 10, 10);
    assertThat(policy(5, Duration.ofDays(4).plusHours(1), 25L).toDelete(b, NOW))
        .containsExactly(b.get(0), b.get(1), b.get(2), b.get(3));
  }

  @Test
  void noRulesDeleteNothing() {
    assertThat(RetentionPolicy.KEEP_ALL.toDelete(daily(1, 2, 3), NOW)).isEmpty();
  }

  @Property(tries = 300)
  void survivorsAlwaysMeetEveryRuleAndAreTheNewest(
      @ForAll @Size(max = 40) List<@LongRange(min = 0, max = 1000) Long> sizes,
      @ForAll @IntRange(min = 0, max = 50) int keep,
      @ForAll @IntRange(min = 1, max = 60) int maxAgeDays,
      @ForAll @LongRange(min = 0, max = 20_000) long budget) {
    List<Backup> b = daily(sizes.stream().mapToLong(Long::longValue).toArray());
    List<Backup> doomed = policy(keep, Duration.ofDays(maxAgeDays), budget).toDelete(b, NOW);
    List<Backup> kept = new ArrayList<>(b);
    kept.removeAll(doomed);

    assertThat(kept.size()).isLessThanOrEqualTo(keep);
    long keptBytes = kept.stream().mapToLong(Backup::sizeBytes).sum();
    // Within the budget, or the newest alone, larger than the whole budget.
    assertThat(keptBytes <= budget || (kept.size() == 1 && kept.get(0).equals(b.get(b.size() - 1))))
        .as("kept %s bytes (%s) with a budget of %s", keptBytes, kept, budget)
        .isTrue();
    assertThat(kept).allMatch(k -> !k.stamp().isBefore(NOW.minus(Duration.ofDays(maxAgeDays))));
    // Oldest deleted first: every kept backup is newer than every deleted one.
    if (!kept.isEmpty() && !doomed.isEmpty()) {
      assertThat(kept.get(0).stamp()).isAfter(doomed.get(doomed.size() - 1).stamp());
    }
  }
}
