package io.fleetrotate.agent.daemon;

import io.fleetrotate.lock.Lease;

/**
 * Stands in for a lease when the lock service is unreachable and the disk is critical. Token 0 is
 * below every granted token, so a fence already holding a real token refuses it.
 */
final class EmergencyLease implements Lease {
  private final String group;

  private EmergencyLease(String group) {
    this.group = group;
  }

  static Lease of(String group) {
    return new EmergencyLease(group);
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public long fencingToken() {
    return 0;
  }

  @Override
  public void checkValid() {}

  @Override
  public void close() {}
}
