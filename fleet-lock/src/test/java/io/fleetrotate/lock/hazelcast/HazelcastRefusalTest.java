package io.fleetrotate.lock.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.QueueOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Hazelcast cluster that answers but refuses is a {@link LockRefusedException} whose message says
 * what to fix, promptly, never a plain outage. A real embedded member.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HazelcastRefusalTest {
  static final Duration TTL = Duration.ofSeconds(5);

  @Test
  void aHazelcastClusterOfAnotherNameIsARefusalNamingClusterName() throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(1)) {
      HazelcastConfig wrongName =
          new HazelcastConfig(cluster.agentConfig().members(), "not-" + "the-cluster");
      try (HazelcastFleetLock lock =
          new HazelcastFleetLock(
              wrongName,
              1,
              TTL,
              QueueOrder.defaults(),
              new HazelcastLockTimings(
                  Duration.ofSeconds(30),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(5)))) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> lock.acquire("refused", 0.99, Duration.ofMinutes(1)))
            .isInstanceOf(LockRefusedException.class)
            .hasMessageContaining("lock.hazelcast.clusterName")
            .hasMessageContaining("not-the-cluster");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("refused as soon as the member says so, not after connectWait (30 s)")
            .isLessThan(Duration.ofSeconds(20));
      }
    }
  }
}
