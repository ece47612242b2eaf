package io.fleetrotate.lock.hazelcast;

import io.fleetrotate.lock.LockUnavailableException;
import java.time.Duration;

/**
 * The client-side waits of {@link HazelcastFleetLock}; the defaults suit production, tests shorten
 * some.
 *
 * @param connectWait how long the first ask of {@code acquire} waits for a disconnected client to
 *     (re)connect before {@link LockUnavailableException} (a queued waiter then has the outage
 *     budget); the client keeps reconnecting in the background regardless
 * @param callTimeout the longest wait for one answer of the cluster; past it the call counts as
 *     unanswered ({@link LockUnavailableException})
 * @param poll the longest a waiter sleeps between two asks when no entry event wakes it (events are
 *     lost while the client reconnects)
 * @param waiterTtl how long the cluster keeps a queued request that is not asked again: a waiter
 *     whose agent died holds up the queue at most this long
 */
record HazelcastLockTimings(
    Duration connectWait, Duration callTimeout, Duration poll, Duration waiterTtl) {

  static HazelcastLockTimings defaults() {
    return new HazelcastLockTimings(
        Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  HazelcastLockTimings {
    if (poll.compareTo(waiterTtl.dividedBy(3)) > 0) {
      // A live waiter must ask again well before the cluster drops its request.
      throw new IllegalArgumentException("poll " + poll + " must be <= waiterTtl/3 " + waiterTtl);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
    }
  }
}
