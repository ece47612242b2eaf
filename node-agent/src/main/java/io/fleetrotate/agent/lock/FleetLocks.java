package io.fleetrotate.agent.lock;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.LockConfig;
import java.io.IOException;

/** Opens the lock backend an agent's configuration names. */
public final class FleetLocks {
  private FleetLocks() {}

  /**
   * A client of the configured lock service. Network backends connect lazily or with a bounded
   * timeout: an unreachable service shows up as {@link LockUnavailableException} on acquire, not
   * here, so an agent can start (and rotate in an emergency) while the service is down.
   */
  public static FleetLock open(AgentConfig c) throws IOException {
    LockConfig lc = c.lock();
    return switch (lc.backend()) {
      case LOCAL -> new LocalFleetLock(c.stateDir().resolve("locks"), lc.maxConcurrent());
      case HAZELCAST ->
          new HazelcastFleetLock(
              lc.hazelcast().orElseThrow(), lc.maxConcurrent(), lc.lease(), QueueOrder.defaults());
      case REDIS ->
          new RedisFleetLock(
              lc.redis().orElseThrow(), lc.maxConcurrent(), lc.lease(), QueueOrder.defaults());
    };
  }
}
