package io.fleetrotate.lock.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseHandle;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.lock.member.LeaseMaps;
import io.fleetrotate.lock.member.LeaseMergePolicy;
import io.fleetrotate.lock.member.LeaseTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the contract does not cover: member loss, an unreachable cluster, counters gone back. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HazelcastFleetLockTest {

  private static final Duration TTL = Duration.ofSeconds(2);

  /** Shared by the tests that do not kill members. */
  private static HazelcastTestCluster cluster;

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private ExecutorService pool;
  private String group;

  @BeforeAll
  static void startCluster() {
    cluster = HazelcastTestCluster.start(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void setUp() {
    group = "hz-" + UUID.randomUUID().toString().substring(0, 8);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  private HazelcastFleetLock client(HazelcastConfig config, Duration ttl) throws Exception {
    HazelcastFleetLock lock = new HazelcastFleetLock(config, 1, ttl, QueueOrder.defaults());
    closeAfter.add(lock);
    assertThat(lock.awaitReady(Duration.ofSeconds(30))).as("connected").isTrue();
    return lock;
  }

  @Test
  void aCrashedMemberLosesNoGrantNorWaiterAndTokensKeepIncreasing() throws Exception {
    HazelcastTestCluster own = HazelcastTestCluster.start(2);
    closeAfter.add(own);
    String doomedGroup = groupOwnedBy(own, 1);
    // Both agents talk to the member that will die: they must fail over to the other.
    Duration ttl = Duration.ofSeconds(4);
    HazelcastFleetLock holder = clientConnectedTo(own, 1, ttl);
    HazelcastFleetLock waiter = clientConnectedTo(own, 1, ttl);

    Lease held = holder.acquire(doomedGroup, 0.5, Duration.ofSeconds(10));
    Future<Lease> waiting =
        pool.submit(() -> waiter.acquire(doomedGroup, 0.9, Duration.ofSeconds(60)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> own.leases().get(doomedGroup).waiters().size() == 1);

    own.terminate(1);

    // Past a whole TTL after the crash the holder still holds (its renewals reached the member
    // that took over the partition) and the waiter still waits.
    await()
        .during(ttl.plusSeconds(1))
        .atMost(ttl.plusSeconds(10))
        .untilAsserted(
            () -> {
              held.checkValid();
              assertThat(waiting).isNotDone();
            });
    LeaseTable afterCrash = own.leases().get(doomedGroup);
    assertThat(afterCrash.holders()).hasSize(1);
    assertThat(afterCrash.waiters()).hasSize(1);

    long releasedAt = System.nanoTime();
    held.close();
    try (Lease next = waiting.get(10, TimeUnit.SECONDS)) {
      assertThat(Duration.ofNanos(System.nanoTime() - releasedAt))
          .isLessThan(Duration.ofSeconds(1));
      assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
      long afterNext = next.fencingToken();
      next.close();
      try (Lease third = holder.acquire(doomedGroup, 0.5, Duration.ofSeconds(10))) {
        assertThat(third.fencingToken()).isGreaterThan(afterNext);
      }
    }
  }

  @Test
  void anUnreachableClusterIsReportedPromptlyAndNeverGrants() throws Exception {
    HazelcastConfig nowhere =
        new HazelcastConfig(List.of("127.0.0.1:" + HazelcastTestCluster.freePort()), "nowhere");
    long created = System.nanoTime();
    HazelcastFleetLock lock = new HazelcastFleetLock(nowhere, 1, TTL, QueueOrder.defaults());
    closeAfter.add(lock);
    assertThat(Duration.ofNanos(System.nanoTime() - created))
        .as("starting the client does not wait for the cluster")
        .isLessThan(Duration.ofSeconds(5));

    for (int attempt = 0; attempt < 2; attempt++) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> lock.acquire(group, 0.9, Duration.ofMinutes(10)))
          .isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("nowhere")
          .hasMessageContaining("not connected");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("bounded by connectWait (3s), not by the acquire timeout")
          .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
    }
    long closing = System.nanoTime();
    lock.close();
    assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void releaseAndRenewByAnotherOwnerAreRefused() throws Exception {
    HazelcastFleetLock owner = client(cluster.agentConfig(), TTL);
    HazelcastFleetLock other = client(cluster.agentConfig(), TTL);
    try (Lease held = owner.acquire(group, 0.5, Duration.ofSeconds(5))) {
      LeaseHandle forged = owner.handle(group, "not-the-owner", held.fencingToken());
      assertThat(forged.renew(TTL)).isFalse();
      forged.release();

      assertThat(cluster.leases().get(group).holders().values())
          .extracting(LeaseTable.Holder::token)
          .containsExactly(held.fencingToken());
      assertThatThrownBy(() -> other.acquire(group, 1.0, Duration.ofMillis(500)))
          .isInstanceOf(LockTimeoutException.class);
      held.checkValid();
    }
    try (Lease next = other.acquire(group, 1.0, Duration.ofSeconds(5))) {
      next.checkValid();
    }
  }

  @Test
  void aClientKeepsItsTokensIncreasingAfterTheCounterWentBack() throws Exception {
    HazelcastFleetLock a = client(cluster.agentConfig(), TTL);
    HazelcastFleetLock b = client(cluster.agentConfig(), TTL);
    long seen;
    try (Lease first = a.acquire(group, 0.5, Duration.ofSeconds(5))) {
      seen = first.fencingToken();
    }
    try (Lease second = a.acquire(group, 0.5, Duration.ofSeconds(5))) {
      seen = second.fencingToken();
    }
    // What a merge that kept the other side's entry looks like: a fresh table, counter 0.
    cluster.leases().put(group, new LeaseTable());

    try (Lease afterMerge = a.acquire(group, 0.5, Duration.ofSeconds(5))) {
      assertThat(afterMerge.fencingToken())
          .as("the client sends the highest token it saw")
          .isGreaterThan(seen);
      seen = afterMerge.fencingToken();
    }
    // An agent that saw nothing relies on the counter; an operator (or the fence files) raises it.
    cluster.leases().put(group, new LeaseTable());
    assertThat(b.raiseFence(group, 100)).isEqualTo(100);
    assertThat(b.raiseFence(group, 7)).as("never lowered").isEqualTo(100);
    try (Lease raised = b.acquire(group, 0.5, Duration.ofSeconds(5))) {
      assertThat(raised.fencingToken()).isEqualTo(101).isGreaterThan(seen);
    }
  }

  /**
   * The AP case, recorded: during a split brain each half grants the same group, from its own
   * counter; once the halves merge, the lease map's merge policy keeps the higher counter and both
   * grants, so nobody else is granted until both end and the next token exceeds every token used.
   */
  @Test
  void aSplitBrainGrantsOnBothSidesAndTheMergeKeepsTheHigherCounterAndBothGrants()
      throws Exception {
    HazelcastTestCluster halves = HazelcastTestCluster.startTwoHalves(Duration.ofSeconds(8));
    closeAfter.add(halves);
    Duration ttl = Duration.ofSeconds(10); // outlives the reconnects of the merging side
    HazelcastFleetLock left = client(halves.agentConfig(0), ttl);
    HazelcastFleetLock right = client(halves.agentConfig(1), ttl);
    for (int i = 0; i < 2; i++) {
      left.acquire(group, 0.5, Duration.ofSeconds(5)).close();
    }
    Lease leftHeld = left.acquire(group, 0.5, Duration.ofSeconds(5));
    Lease rightHeld = right.acquire(group, 0.5, Duration.ofSeconds(5));
    assertThat(halves.member(0).getCluster().getMembers()).as("still split").hasSize(1);
    assertThat(leftHeld.fencingToken()).isEqualTo(3);
    assertThat(rightHeld.fencingToken()).as("the other half's own counter").isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                halves.member(0).getCluster().getMembers().size() == 2
                    && halves.member(1).getCluster().getMembers().size() == 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              LeaseTable merged = halves.leases().get(group);
              assertThat(merged.fence()).isEqualTo(3);
              assertThat(merged.holders()).hasSize(2);
            });

    HazelcastFleetLock third = client(halves.agentConfig(), ttl);
    assertThatThrownBy(() -> third.acquire(group, 1.0, Duration.ofMillis(500)))
        .as("over-granted after the merge: nobody new gets in")
        .isInstanceOf(LockTimeoutException.class);
    await()
        .atMost(ttl)
        .untilAsserted(
            () -> {
              leftHeld.checkValid();
              rightHeld.checkValid();
            });
    leftHeld.close();
    rightHeld.close();
    try (Lease after = third.acquire(group, 1.0, Duration.ofSeconds(10))) {
      assertThat(after.fencingToken()).isEqualTo(4);
    }
  }

  /** What the coordinator must do to host leases: nothing but have the jar on its classpath. */
  @Test
  void aMemberWithDefaultSettingsServesLeases() throws Exception {
    HazelcastTestCluster plain = HazelcastTestCluster.start(1, false);
    closeAfter.add(plain);
    assertThat(plain.member(0).getConfig().getMapConfig(LeaseMaps.LEASES).getMergePolicyConfig())
        .extracting(c -> c.getPolicy())
        .isNotEqualTo(LeaseMergePolicy.class.getName());
    HazelcastFleetLock a = client(plain.agentConfig(), TTL);
    HazelcastFleetLock b = client(plain.agentConfig(), TTL);
    Lease first = a.acquire(group, 0.5, Duration.ofSeconds(5));
    assertThatThrownBy(() -> b.acquire(group, 1.0, Duration.ofMillis(300)))
        .isInstanceOf(LockTimeoutException.class);
    first.close();
    try (Lease second = b.acquire(group, 1.0, Duration.ofSeconds(5))) {
      assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    }
  }

  @Test
  void theClusterRanksWaitersAsQueueOrderDoes() {
    QueueOrder order = new QueueOrder(Duration.ofMinutes(7));
    for (double priority : new double[] {0, 0.123, 0.5, 0.999, 1, 1.5, -2, Double.NaN}) {
      assertThat(LeaseTable.score(1_000_000, priority, order.boostMillis()))
          .isEqualTo(order.score(1_000_000, priority));
    }
  }

  /** A client that happens to be connected to {@code member} (each picks one at random). */
  private HazelcastFleetLock clientConnectedTo(HazelcastTestCluster c, int member, Duration ttl)
      throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      HazelcastFleetLock lock = client(c.agentConfig(), ttl);
      UUID id = lock.hazelcast().getLocalEndpoint().getUuid();
      int connectedTo =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> memberServing(c, id), where -> where >= 0);
      if (connectedTo == member) {
        return lock;
      }
    }
    throw new AssertionError("20 clients in a row connected to another member than " + member);
  }

  private static int memberServing(HazelcastTestCluster c, UUID client) {
    for (int i = 0; i < 2; i++) {
      if (c.member(i).getClientService().getConnectedClients().stream()
          .anyMatch(cl -> cl.getUuid().equals(client))) {
        return i;
      }
    }
    return -1;
  }

  private static String groupOwnedBy(HazelcastTestCluster c, int member) {
    for (int i = 0; ; i++) {
      String candidate = "doomed-" + i;
      if (c.ownerOf(candidate) == member) {
        return candidate;
      }
    }
  }
}
