package io.fleetrotate.lock;

import io.fleetrotate.lock.hazelcast.HazelcastConfig;
import io.fleetrotate.lock.hazelcast.HazelcastFleetLock;
import io.fleetrotate.lock.redis.RedisConfig;
import io.fleetrotate.lock.redis.RedisFleetLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Opens the lock backend a configuration names. */
public final class FleetLocks {
  private FleetLocks() {}

  /**
   * A client of the named lock service. Network backends connect lazily or with a bounded timeout:
   * an unreachable service shows up as {@link LockUnavailableException} on acquire, not here, so an
   * agent can start (and rotate in an emergency) while the service is down.
   *
   * @param localDirectory where the local backend keeps its lock files
   * @param redis required for {@link LockBackend#REDIS}
   * @param hazelcast required for {@link LockBackend#HAZELCAST}
   */
  public static FleetLock open(
      LockBackend backend,
      Path localDirectory,
      int maxConcurrent,
      Duration lease,
      Optional<RedisConfig> redis,
      Optional<HazelcastConfig> hazelcast)
      throws IOException {
    return switch (backend) {
      case LOCAL -> new LocalFleetLock(localDirectory, maxConcurrent);
      case HAZELCAST ->
          new HazelcastFleetLock(
              hazelcast.orElseThrow(), maxConcurrent, lease, QueueOrder.defaults());
      case REDIS ->
          new RedisFleetLock(redis.orElseThrow(), maxConcurrent, lease, QueueOrder.defaults());
    };
  }
}
