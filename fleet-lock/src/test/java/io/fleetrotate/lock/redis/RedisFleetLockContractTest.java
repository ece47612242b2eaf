package io.fleetrotate.lock.redis;

import io.fleetrotate.lock.ExpiringFleetLockContract;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lock contract against a real redis-server. */
class RedisFleetLockContractTest extends ExpiringFleetLockContract {

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  @Override
  protected FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order) {
    return new RedisFleetLock(new RedisConfig(redis.server().uri()), maxConcurrent, ttl, order);
  }

  @Override
  protected void crash(FleetLock client) {
    ((RedisFleetLock) client).crash();
  }

  @Override
  protected void revokeAll(String group) {
    try (RedisAdmin admin = new RedisAdmin(redis.server().uri())) {
      admin.revokeAll(group);
    }
  }
}
