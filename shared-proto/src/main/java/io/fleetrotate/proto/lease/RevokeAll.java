package io.fleetrotate.proto.lease;

/**
 * Drops every grant of the entry's group, keeping its fencing counter and queue: an operator's
 * revoke. The holders learn at their next renewal, which is refused.
 */
public final class RevokeAll extends LeaseProcessor<Integer> {
  private static final long serialVersionUID = 1L;

  @Override
  Integer apply(LeaseTable table, long nowMillis) {
    return table.revokeAll();
  }
}
