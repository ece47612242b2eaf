package io.fleetrotate.lock;

import io.fleetrotate.lock.member.LeaseTable;
import java.time.Duration;

/**
 * The order in which waiters of a group are served: fullest disk first, then by arrival, and no
 * waiter starves.
 *
 * <p>A waiter's place is its arrival time moved earlier by {@code priority x boostWindow}: a waiter
 * whose log mount is 90% full is served as if it had arrived {@code 0.9 x boostWindow} before one
 * whose mount is empty. Waiters that become due together (the 02:00 case) are thus served fullest
 * first, while a newcomer can only overtake waiters that arrived less than {@code boostWindow}
 * before it, so every waiter is served after at most {@code boostWindow} plus the service of those
 * ahead of it. Arrival times come from the lock service's clock, so agents' clocks do not matter.
 */
public final class QueueOrder {

  /** Default boost: a full disk counts as ten minutes of waiting. */
  public static final Duration DEFAULT_BOOST_WINDOW = Duration.ofMinutes(10);

  private final long boostMillis;

  public QueueOrder(Duration boostWindow) {
    if (boostWindow.isNegative()) {
      throw new IllegalArgumentException("boostWindow must not be negative: " + boostWindow);
    }
    this.boostMillis = boostWindow.toMillis();
  }

  public static QueueOrder defaults() {
    return new QueueOrder(DEFAULT_BOOST_WINDOW);
  }

  /** The boost window in milliseconds, for backends that compute the score on the service. */
  public long boostMillis() {
    return boostMillis;
  }

  /**
   * Lower is served first. The rule is {@link LeaseTable#score}, which Hazelcast members run on
   * their clock; {@code score} in {@code redis/redis-common.lua} is its second implementation, on
   * the Redis server's clock, and {@code QueueScoreScriptTest} pins the two together.
   *
   * @param arrivalMillis when the waiter arrived, on the lock service's clock
   * @param priority the disk used ratio of the waiter's log mount, clamped to [0, 1]
   */
  public long score(long arrivalMillis, double priority) {
    return LeaseTable.score(arrivalMillis, priority, boostMillis);
  }
}
