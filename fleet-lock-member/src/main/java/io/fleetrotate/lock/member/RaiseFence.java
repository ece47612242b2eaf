package io.fleetrotate.lock.member;

/**
 * Raises the group's fencing counter to at least {@code floor} and answers the counter: after a
 * split-brain merge kept the side with the lower counter, an operator (or an agent, from its fence
 * files) restores it so the next token exceeds every token already used.
 */
public final class RaiseFence extends LeaseProcessor<Long> {
  private static final long serialVersionUID = 1L;

  private final long floor;

  public RaiseFence(long floor) {
    if (floor < 0) {
      throw new IllegalArgumentException("floor must be >= 0: " + floor);
    }
    this.floor = floor;
  }

  @Override
  Long apply(LeaseTable table, long nowMillis) {
    return table.raiseFence(floor);
  }
}
