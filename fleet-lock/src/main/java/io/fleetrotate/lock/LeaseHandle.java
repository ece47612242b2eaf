package io.fleetrotate.lock;

import java.time.Duration;

/**
 * A backend's raw grant, before the {@link LeaseWatchdog} wraps it into a {@link Lease}. Renew and
 * release check the owner on the lock service (a token compared by a Lua script or an
 * EntryProcessor), so a holder whose grant expired and was given to someone else can neither extend
 * nor delete the new holder's grant.
 */
public interface LeaseHandle {

  String group();

  /** Strictly greater than every token granted before for the same group. */
  long fencingToken();

  /**
   * Extends the grant to {@code ttl} from now on the service's clock.
   *
   * @return false when the service says this grant is no longer held (expired or revoked): the
   *     lease is lost for good
   * @throws LockUnavailableException the service could not be asked; the watchdog retries until the
   *     lease's deadline
   */
  boolean renew(Duration ttl) throws LockUnavailableException;

  /** Gives the grant back if this owner still holds it; best effort, never throws. */
  void release();
}
