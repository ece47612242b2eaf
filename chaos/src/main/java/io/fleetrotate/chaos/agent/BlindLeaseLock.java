package io.fleetrotate.chaos.agent;

import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import java.time.Duration;

/**
 * A lock whose leases never report themselves lost ({@link Lease#checkValid()} always passes), as
 * with a holder whose timers lie. Grants, renewals, tokens and release are the backend's own; only
 * the holder's view of its loss is blinded, so that the fence beside each log has to refuse a stale
 * holder on its own.
 */
public final class BlindLeaseLock implements FleetLock {
  private final FleetLock backend;

  public BlindLeaseLock(FleetLock backend) {
    this.backend = backend;
  }

  @Override
  public Lease acquire(String group, double priority, Duration timeout)
      throws LockUnavailableException, LockTimeoutException, InterruptedException {
    Lease lease = backend.acquire(group, priority, timeout);
    return new Lease() {
      @Override
      public String group() {
        return lease.group();
      }

      @Override
      public long fencingToken() {
        return lease.fencingToken();
      }

      @Override
      public void checkValid() {
        // blind: never lost
      }

      @Override
      public void close() {
        lease.close();
      }
    };
  }

  @Override
  public void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {
    backend.raiseFencingToken(group, atLeast);
  }

  @Override
  public String backendName() {
    return backend.backendName();
  }

  @Override
  public void close() {
    backend.close();
  }
}
