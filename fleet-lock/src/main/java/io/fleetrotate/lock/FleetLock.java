package io.fleetrotate.lock;

import java.time.Duration;

/**
 * Grants leases of a rotation group so that replicas rotate one (or {@code maxConcurrent}) at a
 * time.
 *
 * <p>Failure semantics, the same for every backend:
 *
 * <ul>
 *   <li>A lease expires by itself when its holder dies or stops renewing (its TTL), so a crashed
 *       agent never blocks the fleet. Backends whose service can only release on death (the local
 *       file lock) say so.
 *   <li>Waiters are served by priority, the disk used ratio of their log mount, highest first, then
 *       by arrival.
 *   <li>When the lock service cannot be reached, {@link #acquire} throws {@link
 *       LockUnavailableException}; it never pretends to grant.
 *   <li>When the lock service answers but refuses this client (authentication, permissions, a key
 *       of the wrong type, an untrusted certificate), {@link #acquire} throws {@link
 *       LockRefusedException}, a configuration error: callers must not treat it as an outage.
 *   <li>Each grant carries a fencing token that is strictly greater than every token granted before
 *       it for the same group.
 * </ul>
 */
public interface FleetLock extends AutoCloseable {

  /**
   * Waits for a lease of {@code group}.
   *
   * @param priority the disk used ratio (0..1) of the waiter's log mount; higher is served first
   * @param timeout how long to wait before {@link LockTimeoutException}
   * @throws LockUnavailableException the lock service cannot be reached
   * @throws LockRefusedException (a LockUnavailableException) the lock service refused this client
   * @throws LockTimeoutException no lease was granted in time
   * @throws InterruptedException the waiting thread was interrupted
   */
  Lease acquire(String group, double priority, Duration timeout)
      throws LockUnavailableException, LockTimeoutException, InterruptedException;

  /**
   * Makes every later grant of {@code group} carry a token above {@code atLeast}. Called when a
   * fence beside a log refuses a lease that the service still considers valid: the service's
   * counter went backwards (its data was lost, or a split brain merged), and without this every
   * rotation of the group would be refused until the counter caught up again.
   */
  default void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {}

  /** The backend's name as reported in rotation events: {@code local}, {@code redis}, ... */
  String backendName();

  @Override
  void close();
}
