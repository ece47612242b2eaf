package io.fleetrotate.lock.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The lease rules on an explicit member clock: no cluster, no sleeping. */
class LeaseTableTest {

  private static final long TTL = 2_000;
  private static final long WAITER_TTL = 5_000;
  private static final long BOOST = 600_000;

  private final LeaseTable table = new LeaseTable();

  private static AcquireRequest ask(String owner, double priority) {
    return ask(owner, priority, 1);
  }

  private static AcquireRequest ask(String owner, double priority, int maxConcurrent) {
    return new AcquireRequest(owner, priority, BOOST, maxConcurrent, TTL, WAITER_TTL, 0);
  }

  @Test
  void theFirstRequestIsGrantedWithTokenOne() {
    AcquireOutcome out = table.tryAcquire(ask("a", 0.5), 1_000);
    assertThat(out.isGranted()).isTrue();
    assertThat(out.token()).isEqualTo(1);
    assertThat(table.holders()).containsOnlyKeys("a");
    assertThat(table.holders().get("a").expiresAtMillis()).isEqualTo(1_000 + TTL);
    assertThat(table.waiters()).isEmpty();
  }

  @Test
  void aSecondRequestWaitsUntilTheGrantExpiresAndIsToldWhen() {
    table.tryAcquire(ask("a", 0.5), 1_000);
    AcquireOutcome out = table.tryAcquire(ask("b", 0.9), 1_500);
    assertThat(out.isGranted()).isFalse();
    assertThat(out.retryAfterMillis()).isEqualTo(1_000 + TTL - 1_500);
    assertThat(table.waiters()).containsOnlyKeys("b");

    AcquireOutcome later = table.tryAcquire(ask("b", 0.9), 1_000 + TTL);
    assertThat(later.token()).isEqualTo(2);
    assertThat(table.holders()).containsOnlyKeys("b");
  }

  @Test
  void askingAgainAfterAGrantReturnsTheSameTokenAndChangesNothing() {
    long token = table.tryAcquire(ask("a", 0.5), 1_000).token();
    LeaseTable before = table.copy();
    AcquireOutcome again = table.tryAcquire(ask("a", 0.5), 1_200);
    assertThat(again.token()).isEqualTo(token);
    assertThat(table).isEqualTo(before);
  }

  @Test
  void tokensIncreaseAcrossReleasesExpiriesAndRevokes() {
    long last = 0;
    long now = 0;
    for (int i = 0; i < 5; i++) {
      String owner = "o" + i;
      long token = table.tryAcquire(ask(owner, 0.5), now).token();
      assertThat(token).isGreaterThan(last);
      last = token;
      switch (i % 3) {
        case 0 -> assertThat(table.release(owner, now)).isTrue();
        case 1 -> now += TTL; // expires
        default -> assertThat(table.revokeAll()).isEqualTo(1);
      }
      now += 10;
    }
    assertThat(table.fence()).isEqualTo(last);
  }

  @Test
  void renewExtendsOnlyALiveGrantOfItsOwner() {
    table.tryAcquire(ask("a", 0.5), 1_000);
    assertThat(table.renew("a", TTL, 2_500)).isTrue();
    assertThat(table.holders().get("a").expiresAtMillis()).isEqualTo(2_500 + TTL);
    assertThat(table.renew("intruder", TTL, 2_600)).isFalse();
    assertThat(table.holders()).containsOnlyKeys("a");
    // Past its expiry the grant is gone, even for its owner.
    assertThat(table.renew("a", TTL, 2_500 + TTL)).isFalse();
    assertThat(table.holders()).isEmpty();
  }

  @Test
  void releaseByAnotherOwnerIsRefused() {
    long token = table.tryAcquire(ask("a", 0.5), 1_000).token();
    assertThat(table.release("b", 1_100)).isFalse();
    assertThat(table.holders().get("a").token()).isEqualTo(token);
    assertThat(table.release("a", 1_200)).isTrue();
    assertThat(table.release("a", 1_300)).isFalse();
  }

  @Test
  void theFullestDiskIsServedFirstAmongWaitersThatArriveTogether() {
    table.tryAcquire(ask("holder", 0.5), 0);
    table.tryAcquire(ask("empty", 0.1), 100);
    table.tryAcquire(ask("full", 0.95), 400);
    table.release("holder", 500);

    assertThat(table.tryAcquire(ask("empty", 0.1), 510).isGranted()).isFalse();
    assertThat(table.tryAcquire(ask("full", 0.95), 520).isGranted()).isTrue();
    table.release("full", 600);
    assertThat(table.tryAcquire(ask("empty", 0.1), 610).isGranted()).isTrue();
  }

  @Test
  void aReleaseHandsTheFreePlaceToTheFirstWaiterInServeOrder() {
    table.tryAcquire(ask("holder", 0.5), 0);
    table.tryAcquire(ask("empty", 0.1), 100);
    table.tryAcquire(ask("full", 0.95), 400);
    long fenceBefore = table.fence();

    assertThat(table.release("holder", 500, 1)).isTrue();

    assertThat(table.holders()).containsOnlyKeys("full");
    assertThat(table.holders().get("full").token()).isEqualTo(fenceBefore + 1);
    assertThat(table.holders().get("full").expiresAtMillis()).isEqualTo(500 + TTL);
    assertThat(table.waiters()).containsOnlyKeys("empty");
    // The granted waiter's own ask finds its grant (same token), the other still waits.
    assertThat(table.tryAcquire(ask("full", 0.95), 510).token()).isEqualTo(fenceBefore + 1);
    assertThat(table.tryAcquire(ask("empty", 0.1), 520).isGranted()).isFalse();
  }

  @Test
  void aReleaseHandsOffAsManyPlacesAsAreFreeAndNoMore() {
    table.tryAcquire(ask("h1", 0.5, 2), 0);
    table.tryAcquire(ask("h2", 0.5, 2), 0);
    for (int i = 0; i < 3; i++) {
      table.tryAcquire(ask("w" + i, 0.5, 2), 100 + i);
    }
    table.release("h1", 200, 2);
    assertThat(table.holders()).containsOnlyKeys("h2", "w0");
    assertThat(table.waiters()).containsOnlyKeys("w1", "w2");
  }

  @Test
  void equalPrioritiesAreServedInArrivalOrder() {
    table.tryAcquire(ask("holder", 0.5), 0);
    for (int i = 0; i < 3; i++) {
      table.tryAcquire(ask("w" + i, 0.5), 100 + i);
    }
    table.release("holder", 200);
    for (int i = 2; i >= 1; i--) {
      assertThat(table.tryAcquire(ask("w" + i, 0.5), 210).isGranted()).isFalse();
    }
    assertThat(table.tryAcquire(ask("w0", 0.5), 220).isGranted()).isTrue();
  }

  @Test
  void aFullDiskOvertakesOnlyWaitersThatArrivedWithinTheBoostWindow() {
    table.tryAcquire(longLived("holder", 0.5), 0);
    table.tryAcquire(longLived("patient", 0.0), 1_000);
    // Arrives more than the whole window later: even a full disk stays behind.
    long late = 1_000 + BOOST + 1;
    assertThat(table.tryAcquire(longLived("full", 1.0), late).ahead()).isEqualTo(1);
    table.release("holder", late + 1);
    assertThat(table.tryAcquire(longLived("full", 1.0), late + 2).isGranted()).isFalse();
    assertThat(table.tryAcquire(longLived("patient", 0.0), late + 3).isGranted()).isTrue();

    // Within the window it does overtake.
    table.tryAcquire(longLived("early", 0.0), late + 10);
    assertThat(table.tryAcquire(longLived("fuller", 1.0), late + 10 + BOOST - 1).ahead())
        .isEqualTo(1); // only "full"
    assertThat(table.tryAcquire(longLived("early", 0.0), late + 10 + BOOST).ahead()).isEqualTo(2);
  }

  /** A request whose grant and queue entry outlive the test's clock. */
  private static AcquireRequest longLived(String owner, double priority) {
    return new AcquireRequest(owner, priority, BOOST, 1, 10 * BOOST, 10 * BOOST, 0);
  }

  @Test
  void aWaiterThatStopsAskingLeavesTheQueueAfterItsTtl() {
    table.tryAcquire(ask("holder", 0.5), 0);
    table.tryAcquire(ask("dead", 0.9), 100);
    table.release("holder", 200);
    AcquireOutcome blocked = table.tryAcquire(ask("alive", 0.1), 300);
    assertThat(blocked.isGranted()).isFalse();
    assertThat(blocked.ahead()).isEqualTo(1);
    // A slot is free: it frees up when the dead waiter's request lapses.
    assertThat(blocked.retryAfterMillis()).isEqualTo(100 + WAITER_TTL - 300);
    assertThat(table.tryAcquire(ask("alive", 0.1), 100 + WAITER_TTL).isGranted()).isTrue();
    assertThat(table.waiters()).isEmpty();
  }

  /**
   * FleetLock's "a waiter's place across an outage": a waiter whose client cannot reach the member
   * keeps its place for its TTL; silent longer, it rejoins as a newcomer, behind those who kept
   * asking.
   */
  @Test
  void aWaiterSilentLongerThanItsTtlRejoinsBehindThoseWhoKeptAsking() {
    table.tryAcquire(longLived("holder", 0.5), 0);
    table.tryAcquire(ask("cutOff", 0.5), 100); // arrived first
    table.tryAcquire(ask("later", 0.5), 200);
    table.tryAcquire(ask("later", 0.5), 3_000); // keeps asking: its request is renewed
    LeaseTable within = table.copy();
    assertThat(within.tryAcquire(ask("cutOff", 0.5), 100 + WAITER_TTL - 1).ahead()).isZero();
    assertThat(table.tryAcquire(ask("cutOff", 0.5), 100 + WAITER_TTL + 1).ahead()).isEqualTo(1);
  }

  @Test
  void aWaiterIsRewrittenOnlyPastHalfItsLife() {
    table.tryAcquire(longLived("holder", 0.5), 0);
    table.tryAcquire(ask("w", 0.5), 100);
    LeaseTable afterFirst = table.copy();
    table.tryAcquire(ask("w", 0.5), 100 + WAITER_TTL / 2 - 1);
    assertThat(table).as("asking again early writes nothing").isEqualTo(afterFirst);
    table.tryAcquire(ask("w", 0.5), 100 + WAITER_TTL / 2 + 1);
    assertThat(table.waiters().get("w").expiresAtMillis())
        .isEqualTo(100 + WAITER_TTL / 2 + 1 + WAITER_TTL);
    assertThat(table.waiters().get("w").arrivalMillis()).as("keeps its place").isEqualTo(100);
  }

  @Test
  void maxConcurrentGrantsThatManyAndNoMore() {
    for (int i = 0; i < 3; i++) {
      assertThat(table.tryAcquire(ask("h" + i, 0.5, 3), 10 * i).token()).isEqualTo(i + 1);
    }
    assertThat(table.tryAcquire(ask("fourth", 1.0, 3), 100).isGranted()).isFalse();
    table.release("h1", 110);
    assertThat(table.tryAcquire(ask("fourth", 1.0, 3), 120).token()).isEqualTo(4);
  }

  @Test
  void aFenceFloorFromTheClientLiftsTheNextToken() {
    table.tryAcquire(ask("a", 0.5), 0);
    table.release("a", 1);
    AcquireRequest seenMore = new AcquireRequest("b", 0.5, BOOST, 1, TTL, WAITER_TTL, 41);
    assertThat(table.tryAcquire(seenMore, 2).token()).isEqualTo(42);
  }

  @Test
  void raiseFenceNeverLowersTheCounter() {
    assertThat(table.raiseFence(10)).isEqualTo(10);
    assertThat(table.raiseFence(3)).isEqualTo(10);
    assertThat(table.tryAcquire(ask("a", 0.5), 0).token()).isEqualTo(11);
  }

  @Test
  void revokeAllDropsGrantsButKeepsTheCounterAndTheQueue() {
    table.tryAcquire(ask("a", 0.5, 2), 0);
    table.tryAcquire(ask("b", 0.5, 2), 1);
    table.tryAcquire(ask("c", 0.5, 1), 2); // waits: two grants, one slot by its count
    assertThat(table.revokeAll()).isEqualTo(2);
    assertThat(table.holders()).isEmpty();
    assertThat(table.waiters()).containsOnlyKeys("c");
    assertThat(table.fence()).isEqualTo(2);
  }

  @Test
  void mergeKeepsTheHigherCounterAndTheGrantsOfBothSides() {
    LeaseTable left = new LeaseTable();
    left.tryAcquire(ask("l", 0.5), 1_000);
    left.raiseFence(7);
    LeaseTable right = new LeaseTable();
    right.tryAcquire(ask("r", 0.5), 1_500);
    right.tryAcquire(ask("rw", 0.5), 1_600);

    LeaseTable merged = LeaseTable.merge(left, right);
    assertThat(merged.fence()).isEqualTo(7);
    assertThat(merged.holders()).containsOnlyKeys("l", "r");
    assertThat(merged.waiters()).containsOnlyKeys("rw");
    assertThat(LeaseTable.merge(right, left)).isEqualTo(merged);
    // Over-granted until a grant ends: nobody new gets in.
    assertThat(merged.tryAcquire(ask("new", 1.0), 1_700).isGranted()).isFalse();
  }

  @Test
  void aCopyIsIndependent() {
    table.tryAcquire(ask("a", 0.5), 0);
    LeaseTable copy = table.copy();
    copy.release("a", 1);
    assertThat(table.holders()).containsOnlyKeys("a");
    assertThat(copy.holders()).isEmpty();
  }

  @Test
  void theScoreIsArrivalMovedEarlierByTheClampedPriority() {
    assertThat(LeaseTable.score(10_000, 0.5, 1_000)).isEqualTo(9_500);
    assertThat(LeaseTable.score(10_000, 7.0, 1_000)).isEqualTo(9_000);
    assertThat(LeaseTable.score(10_000, Double.NaN, 1_000)).isEqualTo(10_000);
    assertThat(LeaseTable.score(10_000, -1, 1_000)).isEqualTo(10_000);
  }

  @Test
  void badRequestsAreRefused() {
    assertThatThrownBy(() -> new AcquireRequest(" ", 0.5, 0, 1, 1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AcquireRequest("a", 0.5, 0, 0, 1, 1, 0))
        .hasMessageContaining("maxConcurrent");
    assertThatThrownBy(() -> new AcquireRequest("a", 0.5, 0, 1, 0, 1, 0))
        .hasMessageContaining("ttlMillis");
    assertThat(new AcquireRequest("a", 3.0, 0, 1, 1, 1, 0).priority()).isEqualTo(1.0);
  }
}
