package io.fleetrotate.lock.hazelcast;

import io.fleetrotate.lock.LeaseHandle;
import io.fleetrotate.lock.LockUnavailableException;
import java.time.Duration;

/** A grant from {@link HazelcastFleetLock}: renew and release present the grant's owner id. */
final class HazelcastLeaseHandle implements LeaseHandle {
  private final HazelcastFleetLock lock;
  private final String group;
  private final String owner;
  private final long token;

  HazelcastLeaseHandle(HazelcastFleetLock lock, String group, String owner, long token) {
    this.lock = lock;
    this.group = group;
    this.owner = owner;
    this.token = token;
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public long fencingToken() {
    return token;
  }

  /** The id the cluster knows this grant by. */
  String owner() {
    return owner;
  }

  @Override
  public boolean renew(Duration ttl) throws LockUnavailableException {
    return lock.renew(group, owner, ttl);
  }

  @Override
  public void release() {
    lock.releaseQuietly(group, owner, true);
  }
}
