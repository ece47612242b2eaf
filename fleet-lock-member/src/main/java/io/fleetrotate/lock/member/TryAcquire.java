package io.fleetrotate.lock.member;

import java.util.Objects;

/**
 * Queues a request for a lease of the entry's group and grants it when its turn has come (see
 * {@link LeaseTable#tryAcquire}). Sent again by a waiting client on each wake-up; idempotent.
 */
public final class TryAcquire extends LeaseProcessor<AcquireOutcome> {
  private static final long serialVersionUID = 1L;

  private final AcquireRequest request;

  public TryAcquire(AcquireRequest request) {
    this.request = Objects.requireNonNull(request, "request");
  }

  @Override
  AcquireOutcome apply(LeaseTable table, long nowMillis) {
    return table.tryAcquire(request, nowMillis);
  }

  @Override
  AcquireOutcome stamped(AcquireOutcome result, long version) {
    return result.withVersion(version);
  }
}
