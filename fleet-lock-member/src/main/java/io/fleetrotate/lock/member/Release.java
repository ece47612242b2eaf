package io.fleetrotate.lock.member;

import java.util.Objects;

/**
 * Gives back the grant of {@code owner} and drops its queued request, whichever exist: owner
 * checked, so a stale holder cannot release the next holder's grant; then hands the free places to
 * the first waiters. Answers whether it held one. Also what a client sends when it stops waiting
 * (timeout, interrupt, unanswered call).
 */
public final class Release extends LeaseProcessor<Boolean> {
  private static final long serialVersionUID = 1L;

  private final String owner;
  private final int maxConcurrent;

  /** Only gives back: the free place goes to the first waiter that asks. */
  public Release(String owner) {
    this(owner, 0);
  }

  /**
   * Gives back, then grants the free places to the first waiters ({@link LeaseTable#release}).
   *
   * @param maxConcurrent the group's places, as the releasing client was configured
   */
  public Release(String owner, int maxConcurrent) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.maxConcurrent = maxConcurrent;
  }

  @Override
  Boolean apply(LeaseTable table, long nowMillis) {
    return table.release(owner, nowMillis, maxConcurrent);
  }
}
