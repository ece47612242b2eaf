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
 *   <li><b>Outage budget.</b> An ask that the service does not answer on the first try of an {@link
 *       #acquire} throws {@link LockUnavailableException} at once. Once the caller waits in the
 *       queue, unanswered asks are retried for up to {@link #OUTAGE_BUDGET} (within the caller's
 *       timeout), so a waiter rides out a restart or a failover and is served once the service
 *       answers again; past the budget, {@link LockUnavailableException}. One budget for every
 *       backend, run by {@link AcquireLoop}. For the local backend the service is its lock
 *       directory: an outage is that directory becoming unusable (an unmounted share).
 *   <li><b>A waiter's place across an outage.</b> The service keeps a queued request only for the
 *       backend's waiter TTL after its last answered ask (Redis: three polls and 0.5 s, at most 3.5
 *       s; Hazelcast: {@code HazelcastLockTimings.waiterTtl}, 5 s), shorter than the budget on
 *       purpose: a dead agent's request must not hold the queue up for 15 s. A service restarted
 *       without its data drops every request at once. A waiter whose request was dropped rejoins at
 *       its next answered ask as a newcomer of the same priority (that ask is its arrival): the
 *       budget keeps the acquire going, not the place. The local backend's queue lives in the
 *       directory, so a waiter keeps its place there.
 *   <li><b>Close.</b> {@link #close()} stops renewing and gives back every lease this client still
 *       holds (best effort, owner-checked on the service; a lease the service could not be told
 *       about expires by its TTL). A holder learns it at its next {@link Lease#checkValid()}, which
 *       throws {@link LeaseLostException}. Closing twice does nothing.
 *   <li><b>Acquire after close.</b> {@link #acquire} on a closed client, or one closed while it
 *       waits, throws {@link LockClosedException}, a {@link LockUnavailableException}.
 * </ul>
 *
 * <p>The contract test suite ({@code FleetLockContract}) pins each of these against every backend.
 */
public interface FleetLock extends AutoCloseable {

  /**
   * How long a queued waiter keeps asking a service that does not answer before {@link #acquire}
   * gives up with {@link LockUnavailableException}: 15 s, for every backend.
   */
  Duration OUTAGE_BUDGET = Duration.ofSeconds(15);

  /**
   * Waits for a lease of {@code group}.
   *
   * @param priority the disk used ratio (0..1) of the waiter's log mount; higher is served first
   * @param timeout how long to wait before {@link LockTimeoutException}
   * @throws LockUnavailableException the lock service cannot be reached (see the outage budget)
   * @throws LockRefusedException (a LockUnavailableException) the lock service refused this client
   * @throws LockClosedException (a LockUnavailableException) this client was closed
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

  /** Stops renewing and gives back every lease still held; see the class comment. */
  @Override
  void close();
}
