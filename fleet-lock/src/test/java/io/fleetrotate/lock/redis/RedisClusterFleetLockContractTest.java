package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.lock.ExpiringFleetLockContract;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisServerProcess;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lock contract against a real three-node Redis Cluster ({@code cluster: true}): scripts are
 * routed by the group's hash tag, grants are published on whichever node owns the group, and reach
 * the waiter's client through the cluster's broadcast of PUBLISH. An outage is every node frozen
 * (SIGSTOP) and thawed: the data stays, but the server clock runs on, so grants and queued requests
 * whose TTL passed meanwhile are gone when the nodes answer again.
 */
class RedisClusterFleetLockContractTest extends ExpiringFleetLockContract {
  private static RedisTestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisTestCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static RedisConfig config() {
    return new RedisConfig(cluster.uri(), true, Optional.empty());
  }

  @Override
  protected FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order) {
    return new RedisFleetLock(config(), maxConcurrent, ttl, order, loop());
  }

  @Override
  protected void crash(FleetLock client) {
    ((RedisFleetLock) client).crash();
  }

  @Override
  protected void interruptService() {
    cluster.nodes.forEach(RedisServerProcess::pause);
  }

  @Override
  protected void restoreService() {
    cluster.nodes.forEach(RedisServerProcess::resume);
  }

  @Override
  protected Duration askBound() {
    return RedisConnections.COMMAND_TIMEOUT;
  }

  /** A frozen node accepts commands and answers none: an ask fails only at its bound. */
  @Override
  protected Duration outageNoticedWithin() {
    return askBound();
  }

  @Override
  protected void revokeAll(String group) {
    RedisClusterClient client = RedisClusterClient.create(cluster.uri());
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      RedisKeys keys = RedisKeys.of(group);
      c.sync().del(keys.holders(), keys.grants());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Groups on every shard: one client serves them all, hand-offs included. */
  @Test
  void groupsOnEveryShardAreServed() throws Exception {
    Set<Integer> shards = new TreeSet<>();
    try (FleetLock a = open(1, TTL, QueueOrder.defaults());
        FleetLock b = open(1, TTL, QueueOrder.defaults())) {
      for (int i = 0; shards.size() < 3 && i < 100; i++) {
        String g = group + "-" + i;
        int shard = SlotHash.getSlot(g) * 3 / SlotHash.SLOT_COUNT; // redis-cli splits evenly
        if (!shards.add(shard)) {
          continue;
        }
        Lease first = a.acquire(g, 0.5, Duration.ofSeconds(5));
        var waiter =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try (Lease l = b.acquire(g, 0.5, Duration.ofSeconds(10))) {
                    return l.fencingToken();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        Thread.sleep(200);
        first.close();
        assertThat(waiter.get(10, java.util.concurrent.TimeUnit.SECONDS))
            .isGreaterThan(first.fencingToken());
      }
    }
    assertThat(shards).containsExactly(0, 1, 2);
  }
}
