package io.fleetrotate.agent.config;

import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.FleetLocks;
import io.fleetrotate.lock.LockBackend;
import io.fleetrotate.lock.hazelcast.HazelcastConfig;
import io.fleetrotate.lock.redis.RedisConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet lock taken before each rotation ({@code lock}).
 *
 * @param backend which lock service (default {@link LockBackend#LOCAL})
 * @param redis present when a {@code redis} section is written; always present for REDIS
 * @param hazelcast present when a {@code hazelcast} section is written; always present for
 *     HAZELCAST
 * @param lease how long a grant lasts unless renewed (default 60s)
 * @param maxConcurrent how many agents of one group may rotate at once (default 1, at least 1)
 * @param onUnavailable what to do when the lock service cannot be reached (default WAIT)
 * @param criticalDiskRatio the used-disk ratio in (0, 1] above which ROTATE_WHEN_CRITICAL rotates
 *     without a lease (default 0.95)
 * @param acquireTimeout how long to wait for a lease before giving up this cycle (default 10m)
 */
public record LockConfig(
    LockBackend backend,
    Optional<RedisConfig> redis,
    Optional<HazelcastConfig> hazelcast,
    Duration lease,
    int maxConcurrent,
    OnUnavailable onUnavailable,
    double criticalDiskRatio,
    Duration acquireTimeout) {
  public LockConfig {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(hazelcast, "hazelcast");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(onUnavailable, "onUnavailable");
    Objects.requireNonNull(acquireTimeout, "acquireTimeout");
    if (backend == LockBackend.REDIS && redis.isEmpty()) {
      throw new IllegalArgumentException("the redis backend needs a RedisConfig");
    }
    if (backend == LockBackend.HAZELCAST && hazelcast.isEmpty()) {
      throw new IllegalArgumentException("the hazelcast backend needs a HazelcastConfig");
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1: " + maxConcurrent);
    }
    if (!(criticalDiskRatio > 0 && criticalDiskRatio <= 1)) {
      throw new IllegalArgumentException(
          "criticalDiskRatio must be in (0, 1]: " + criticalDiskRatio);
    }
  }

  /** {@code lock.onUnavailable}. */
  public enum OnUnavailable {
    /** Do not rotate until the lock service answers (fail closed). */
    WAIT("wait"),
    /** Rotate without a lease once the log's disk is used above {@code criticalDiskRatio}. */
    ROTATE_WHEN_CRITICAL("rotate-when-critical");

    private final String wireName;

    OnUnavailable(String wireName) {
      this.wireName = wireName;
    }

    /** As written in the configuration. */
    public String wireName() {
      return wireName;
    }
  }

  /**
   * A client of the configured lock service (see {@link FleetLocks#open}); the local backend keeps
   * its lock files in {@code stateDir/locks}.
   */
  public FleetLock open(Path stateDir) throws IOException {
    return FleetLocks.open(
        backend, stateDir.resolve("locks"), maxConcurrent, lease, redis, hazelcast);
  }
}
