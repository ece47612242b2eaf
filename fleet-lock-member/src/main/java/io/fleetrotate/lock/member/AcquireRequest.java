package io.fleetrotate.lock.member;

import java.io.Serializable;

/**
 * One agent's request for a lease of a group, as sent inside {@link TryAcquire}.
 *
 * @param owner unique per acquire call: the waiter's id in the queue, then the grant's owner id
 *     that renew and release must present
 * @param priority the disk used ratio of the waiter's log mount, clamped to [0, 1]
 * @param boostMillis how much earlier a full disk counts as having arrived (the agent's {@code
 *     QueueOrder} boost window)
 * @param maxConcurrent how many grants the group may have at once, at least 1
 * @param ttlMillis how long a grant lasts unless renewed
 * @param waiterTtlMillis how long a queued request stays without being asked again; a waiter whose
 *     client died leaves the queue after this
 * @param fenceFloor the highest token this client has seen for the group (0 if none): the next
 *     token is greater, even if a split-brain merge lowered the counter
 */
public record AcquireRequest(
    String owner,
    double priority,
    long boostMillis,
    int maxConcurrent,
    long ttlMillis,
    long waiterTtlMillis,
    long fenceFloor)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public AcquireRequest {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank");
    }
    priority = LeaseTable.clampPriority(priority);
    if (boostMillis < 0) {
      throw new IllegalArgumentException("boostMillis must be >= 0: " + boostMillis);
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1: " + maxConcurrent);
    }
    if (ttlMillis < 1) {
      throw new IllegalArgumentException("ttlMillis must be >= 1: " + ttlMillis);
    }
    if (waiterTtlMillis < 1) {
      throw new IllegalArgumentException("waiterTtlMillis must be >= 1: " + waiterTtlMillis);
    }
    if (fenceFloor < 0) {
      throw new IllegalArgumentException("fenceFloor must be >= 0: " + fenceFloor);
    }
  }
}
