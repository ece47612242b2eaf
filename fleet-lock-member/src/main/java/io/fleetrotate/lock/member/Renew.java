package io.fleetrotate.lock.member;

import java.util.Objects;

/**
 * Extends a grant if {@code owner} still holds it; answers false otherwise, so a holder whose grant
 * expired and was given to another cannot extend the other's grant.
 */
public final class Renew extends LeaseProcessor<Boolean> {
  private static final long serialVersionUID = 1L;

  private final String owner;
  private final long ttlMillis;

  public Renew(String owner, long ttlMillis) {
    this.owner = Objects.requireNonNull(owner, "owner");
    if (ttlMillis < 1) {
      throw new IllegalArgumentException("ttlMillis must be >= 1: " + ttlMillis);
    }
    this.ttlMillis = ttlMillis;
  }

  @Override
  Boolean apply(LeaseTable table, long nowMillis) {
    return table.renew(owner, ttlMillis, nowMillis);
  }
}
