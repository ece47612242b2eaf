package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The counter raise the agent asks for when a fence is ahead of the service. */
class RedisRaiseFenceTest {

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  @Test
  void raisingTheCounterPutsTheNextGrantAboveItAndNeverLowersIt() throws Exception {
    String group = "raise-" + UUID.randomUUID().toString().substring(0, 8);
    try (RedisFleetLock lock =
        new RedisFleetLock(
            new RedisConfig(redis.server().uri()),
            1,
            Duration.ofSeconds(5),
            QueueOrder.defaults())) {
      long first;
      try (Lease l = lock.acquire(group, 0.5, Duration.ofSeconds(5))) {
        first = l.fencingToken();
      }
      long above = first + 1_000_000_000L;
      lock.raiseFencingToken(group, above);
      long second;
      try (Lease l = lock.acquire(group, 0.5, Duration.ofSeconds(5))) {
        second = l.fencingToken();
      }
      assertThat(second).isGreaterThan(above);
      lock.raiseFencingToken(group, 1); // lower: ignored
      try (Lease l = lock.acquire(group, 0.5, Duration.ofSeconds(5))) {
        assertThat(l.fencingToken()).isGreaterThan(second);
      }
    }
  }
}
