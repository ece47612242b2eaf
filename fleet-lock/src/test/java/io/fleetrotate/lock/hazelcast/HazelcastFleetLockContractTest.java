package io.fleetrotate.lock.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.lock.ExpiringFleetLockContract;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.lock.member.RevokeAll;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract against a real two-member cluster (lease map with one backup), agents as clients. An
 * outage is every member killed and started again on its address, empty: holders and queue are gone
 * with them, and the waiters rejoin at their first answered ask once their client has reconnected.
 */
class HazelcastFleetLockContractTest extends ExpiringFleetLockContract {

  private static HazelcastTestCluster cluster;

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

  /** A client that is connected, as an agent's is long before its first rotation. */
  @Override
  protected FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order) throws Exception {
    HazelcastFleetLock lock =
        new HazelcastFleetLock(
            cluster.agentConfig(),
            maxConcurrent,
            ttl,
            order,
            HazelcastLockTimings.defaults(),
            loop());
    assertThat(lock.awaitReady(Duration.ofSeconds(30)))
        .as("connected to the test cluster")
        .isTrue();
    return lock;
  }

  @Override
  protected void crash(FleetLock client) {
    ((HazelcastFleetLock) client).crash();
  }

  @Override
  protected void interruptService() {
    cluster.terminateAll();
  }

  @Override
  protected void restoreService() {
    cluster.restartAll();
  }

  @Override
  protected Duration askBound() {
    return HazelcastLockTimings.defaults().callTimeout();
  }

  @Override
  protected void revokeAll(String group) {
    cluster.leases().executeOnKey(group, new RevokeAll());
  }
}
