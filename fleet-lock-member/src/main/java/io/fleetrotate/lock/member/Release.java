package io.fleetrotate.lock.member;

import java.util.Objects;

/**
 * Gives back the grant of {@code owner} and drops its queued request, whichever exist: owner
 * checked, so a stale holder cannot release the next holder's grant. Answers whether it held one.
 * Also what a client sends when it stops waiting (timeout, interrupt, unanswered call).
 */
public final class Release extends LeaseProcessor<Boolean> {
  private static final long serialVersionUID = 1L;

  private final String owner;

  public Release(String owner) {
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  @Override
  Boolean apply(LeaseTable table, long nowMillis) {
    return table.release(owner, nowMillis);
  }
}
