package io.fleetrotate.lock.redis;

import io.fleetrotate.lock.ExpiringFleetLockContract;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lock contract against a real redis-server. An outage is the server killed and restarted on
 * its port, empty (it keeps no data on disk): holders and queue are gone with it, and the waiters
 * rejoin at their first answered ask.
 */
class RedisFleetLockContractTest extends ExpiringFleetLockContract {

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  @Override
  protected FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order) {
    return new RedisFleetLock(
        new RedisConfig(redis.server().uri()), maxConcurrent, ttl, order, loop());
  }

  @Override
  protected void crash(FleetLock client) {
    ((RedisFleetLock) client).crash();
  }

  @Override
  protected void interruptService() {
    redis.server().kill();
  }

  @Override
  protected void restoreService() {
    if (!redis.server().isRunning()) {
      redis.server().restart();
    }
  }

  @Override
  protected Duration askBound() {
    return RedisConnections.COMMAND_TIMEOUT;
  }

  @Override
  protected void revokeAll(String group) {
    try (RedisAdmin admin = new RedisAdmin(redis.server().uri())) {
      admin.revokeAll(group);
    }
  }
}
