package io.fleetrotate.lock;

import java.time.Duration;

/**
 * A backend's grant as the {@link LeaseWatchdog} holds it: the group, its fencing token, the id the
 * backend knows the grant by, and the backend that renews and gives back the grant of that id.
 *
 * @param owner the backend's id of this grant (its owner id or random token)
 */
public record OwnedGrant<I>(String group, long fencingToken, I owner, Backend<I> backend)
    implements LeaseHandle {

  /** What a backend does with one of its grants; see {@link LeaseHandle} for the semantics. */
  public interface Backend<I> {
    boolean renew(OwnedGrant<I> grant, Duration ttl) throws LockUnavailableException;

    void release(OwnedGrant<I> grant);
  }

  @Override
  public boolean renew(Duration ttl) throws LockUnavailableException {
    return backend.renew(this, ttl);
  }

  @Override
  public void release() {
    backend.release(this);
  }
}
