package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseLostException;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RealRedis;
import io.fleetrotate.testsupport.RedisExtension;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis backend does when Redis misbehaves, and how it lays out its keys. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisFleetLockTest {
  static final Duration TTL = Duration.ofSeconds(2);

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  private final List<FleetLock> clients = new ArrayList<>();
  private ExecutorService pool;
  private String group;

  @BeforeEach
  void setUp() {
    group = "redis-" + UUID.randomUUID().toString().substring(0, 8);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    clients.forEach(FleetLock::close);
  }

  private RealRedis server() {
    return redis.server();
  }

  private RedisFleetLock client() {
    RedisFleetLock c =
        new RedisFleetLock(new RedisConfig(server().uri()), 1, TTL, QueueOrder.defaults());
    clients.add(c);
    return c;
  }

  private RedisAdmin admin() {
    return new RedisAdmin(server().uri());
  }

  @Test
  void scriptsAreSentAgainAfterScriptFlush() throws Exception {
    RedisFleetLock c = client();
    c.acquire(group, 0.5, Duration.ofSeconds(5)).close();
    try (RedisAdmin admin = admin()) {
      assertThat(admin.sync().scriptExists(RedisScripts.ACQUIRE.sha())).containsExactly(true);
      admin.sync().scriptFlush();
      assertThat(admin.sync().scriptExists(RedisScripts.ACQUIRE.sha())).containsExactly(false);

      try (Lease lease = c.acquire(group, 0.5, Duration.ofSeconds(5))) {
        lease.checkValid();
      }
      // EVAL after NOSCRIPT cached them again, so the next calls go by digest.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(
                          admin
                              .sync()
                              .scriptExists(RedisScripts.ACQUIRE.sha(), RedisScripts.RELEASE.sha()))
                      .containsExactly(true, true));
    }
  }

  @Test
  void aRestartedRedisIsUsedAgainAndItsTokensStillIncrease() throws Exception {
    RedisFleetLock c = client();
    long before;
    try (Lease lease = c.acquire(group, 0.5, Duration.ofSeconds(5))) {
      before = lease.fencingToken();
    }
    server().restart(); // empty: no scripts, no counter
    AtomicReference<Long> after = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(LockUnavailableException.class)
        .untilAsserted(
            () -> {
              try (Lease lease = c.acquire(group, 0.5, Duration.ofSeconds(5))) {
                after.set(lease.fencingToken());
              }
            });
    assertThat(after.get()).isGreaterThan(before);
  }

  @Test
  void releaseAndRenewByAnotherOwnerAreRefused() throws Exception {
    RedisFleetLock a = client();
    RedisFleetLock b = client();
    RedisKeys keys = RedisKeys.of(group);
    try (RedisAdmin admin = admin()) {
      Lease first = a.acquire(group, 0.5, Duration.ofSeconds(5));
      String firstToken = onlyHolder(admin, keys);
      first.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> admin.sync().zcard(keys.holders()) == 0);

      try (Lease second = b.acquire(group, 0.5, Duration.ofSeconds(5))) {
        String secondToken = onlyHolder(admin, keys);
        assertThat(secondToken).isNotEqualTo(firstToken);
        // The first grant's token, replayed against the second grant, changes nothing.
        Long released =
            RedisScripts.RELEASE
                .<Long>call(admin.async(), keys.keys(), firstToken, "1")
                .get(5, TimeUnit.SECONDS);
        Long renewed =
            RedisScripts.RENEW
                .<Long>call(admin.async(), keys.keys(), firstToken, "60000")
                .get(5, TimeUnit.SECONDS);
        assertThat(released).isZero();
        assertThat(renewed).isZero();
        assertThat(onlyHolder(admin, keys)).isEqualTo(secondToken);
        second.checkValid();
        // While the rightful owner's renewal succeeds.
        Long ownRenewal =
            RedisScripts.RENEW
                .<Long>call(admin.async(), keys.keys(), secondToken, "2000")
                .get(5, TimeUnit.SECONDS);
        assertThat(ownRenewal).isEqualTo(1);
      }
    }
  }

  /** A try whose answer was lost granted on the server; the caller's next try must find it. */
  @Test
  void aGrantWhoseAnswerWasLostIsFoundByTheNextTry() throws Exception {
    RedisKeys keys = RedisKeys.of(group);
    String token = "60000:lost-answer:1";
    try (RedisAdmin admin = admin()) {
      List<Object> first =
          RedisScripts.ACQUIRE
              .<List<Object>>call(admin.async(), keys.keys(), token, "1", "0", "3000", "1")
              .get(5, TimeUnit.SECONDS);
      List<Object> again =
          RedisScripts.ACQUIRE
              .<List<Object>>call(admin.async(), keys.keys(), token, "1", "0", "3000", "0")
              .get(5, TimeUnit.SECONDS);
      assertThat(first.get(0)).isEqualTo(1L);
      assertThat(again).isEqualTo(first);
      assertThat(admin.sync().zcard(keys.keys()[2])).as("not queued behind itself").isZero();
    }
  }

  @Test
  void aKilledRedisMakesAcquireFailPromptly() throws Exception {
    RedisFleetLock connected = client();
    connected.acquire(group, 0.5, Duration.ofSeconds(5)).close();
    server().kill();
    RedisFleetLock fresh = client(); // never connected

    for (RedisFleetLock c : List.of(connected, fresh)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> c.acquire(group, 0.5, Duration.ofSeconds(30)))
          .isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("127.0.0.1");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aWaiterGetsTheLeaseAfterRedisRestartsUnderIt() throws Exception {
    RedisFleetLock holder = client();
    RedisFleetLock waiter = client();
    Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5));
    Future<Long> waiting =
        pool.submit(
            () -> {
              try (Lease l = waiter.acquire(group, 0.5, Duration.ofSeconds(30))) {
                return l.fencingToken();
              }
            });
    awaitQueued(1);
    server().restart(); // the holder's grant is gone with the data

    assertThat(waiting.get(20, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
    // The old holder learns at its next renewal that it lost the lease.
    await()
        .atMost(TTL.multipliedBy(2))
        .untilAsserted(
            () -> assertThatThrownBy(held::checkValid).isInstanceOf(LeaseLostException.class));
    held.close();
  }

  @Test
  void aPausedRedisNeverLetsTwoHoldersBeValidAtOnce() throws Exception {
    RedisFleetLock holder = client();
    RedisFleetLock waiter = client();
    RedisFleetLock newcomer = client();
    Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5));
    AtomicReference<Boolean> holderValidWhenGranted = new AtomicReference<>();
    Future<Long> waiting =
        pool.submit(
            () -> {
              try (Lease l = waiter.acquire(group, 0.5, Duration.ofSeconds(60))) {
                holderValidWhenGranted.set(isValid(held));
                l.checkValid();
                return l.fencingToken();
              }
            });
    awaitQueued(1);

    server().pause();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> newcomer.acquire(group, 1.0, Duration.ofSeconds(30)))
          .isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("Redis");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      // Longer than the TTL: the holder cannot renew, so its lease is lost on its side first.
      await()
          .atMost(TTL.multipliedBy(2))
          .untilAsserted(
              () -> assertThatThrownBy(held::checkValid).isInstanceOf(LeaseLostException.class));
      assertThat(waiting).isNotDone();
    } finally {
      server().resume();
    }
    assertThat(waiting.get(30, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
    assertThat(holderValidWhenGranted.get()).isFalse();
    held.close();
  }

  @Test
  void aShortPauseKeepsTheHolderAndGrantsNobodyElse() throws Exception {
    RedisFleetLock holder = client();
    RedisFleetLock other = client();
    try (Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5))) {
      server().pause();
      try {
        Thread.sleep(500); // well within the TTL; the renewal at ttl/3 may wait for the answer
      } finally {
        server().resume();
      }
      assertThatThrownBy(() -> other.acquire(group, 1.0, Duration.ofMillis(1500)))
          .isInstanceOf(LockTimeoutException.class);
      held.checkValid();
    }
  }

  @Test
  void closingWhileRedisIsPausedReturnsPromptly() throws Exception {
    RedisFleetLock connected = client();
    Lease held = connected.acquire(group, 0.5, Duration.ofSeconds(5));
    server().pause();
    try {
      // Its connection is being opened in the background, and cannot finish.
      RedisFleetLock opening =
          new RedisFleetLock(new RedisConfig(server().uri()), 1, TTL, QueueOrder.defaults());
      for (RedisFleetLock c : List.of(opening, connected)) {
        long start = System.nanoTime();
        c.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      }
      held.close(); // after the client: harmless
    } finally {
      server().resume();
    }
  }

  @Test
  void everyKeyOfAGroupSharesOneHashTag() throws Exception {
    RedisFleetLock holder = client();
    RedisFleetLock waiter = client();
    try (RedisAdmin admin = admin();
        Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5))) {
      Future<?> waiting =
          pool.submit(
              () -> {
                waiter.acquire(group, 0.5, Duration.ofSeconds(30)).close();
                return null;
              });
      awaitQueued(1);
      List<String> keys = admin.sync().keys("fleetrotate:*" + group + "*");
      assertThat(keys)
          .containsExactlyInAnyOrder(
              "fleetrotate:{" + group + "}:holders",
              "fleetrotate:{" + group + "}:grants",
              "fleetrotate:{" + group + "}:queue",
              "fleetrotate:{" + group + "}:waiting",
              "fleetrotate:{" + group + "}:fence");
      assertThat(keys.stream().mapToInt(SlotHash::getSlot).distinct())
          .containsExactly(SlotHash.getSlot(group));
      held.close();
      waiting.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGroupNameThatWouldBreakTheHashTagIsRefused() {
    RedisFleetLock c = client();
    assertThatThrownBy(() -> c.acquire("a}b", 0.5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("braces");
  }

  private void awaitQueued(int waiters) {
    RedisKeys keys = RedisKeys.of(group);
    try (RedisAdmin admin = admin()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> admin.sync().zcard(keys.keys()[2]) == waiters);
    }
  }

  private static String onlyHolder(RedisAdmin admin, RedisKeys keys) {
    List<String> holders = admin.sync().zrange(keys.holders(), 0, -1);
    assertThat(holders).hasSize(1);
    return holders.get(0);
  }

  private static boolean isValid(Lease lease) {
    try {
      lease.checkValid();
      return true;
    } catch (LeaseLostException e) {
      return false;
    }
  }
}
