package io.fleetrotate.lock.member;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.ringbuffer.OverflowPolicy;
import java.util.Map;
import java.util.Objects;

/**
 * Gives back the grant of {@code owner} and drops its queued request, whichever exist: owner
 * checked, so a stale holder cannot release the next holder's grant; then hands the free places to
 * the first waiters. Answers whether it held one. Also what a client sends when it stops waiting
 * (timeout, interrupt, unanswered call).
 *
 * <p>Each grant it makes is also appended to the grantee client's inbox ({@link LeaseMaps#inbox}),
 * when the member resolves that name to {@link LeaseMaps#inboxConfig()}: the client's parked read
 * of it is answered from this partition thread, ahead of the entry event (which still goes out, for
 * a client without an inbox read).
 */
public final class Release extends LeaseProcessor<Boolean> implements HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  private final String owner;
  private final int maxConcurrent;
  private transient HazelcastInstance member; // set by the member that runs this processor

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
  public void setHazelcastInstance(HazelcastInstance member) {
    this.member = member;
  }

  @Override
  Boolean apply(LeaseTable table, long nowMillis) {
    return table.release(owner, nowMillis, maxConcurrent);
  }

  @Override
  void written(String group, LeaseTable before, LeaseTable after) {
    if (member == null) {
      return;
    }
    for (Map.Entry<String, LeaseTable.Holder> granted : after.holders().entrySet()) {
      if (before != null && before.holders().containsKey(granted.getKey())) {
        continue;
      }
      String inbox = LeaseMaps.inbox(granted.getKey(), group);
      try {
        if (inbox != null
            && LeaseMaps.isInboxConfig(member.getConfig().findRingbufferConfig(inbox))) {
          // Asynchronous (this is a partition thread); the inbox shares this partition, so the add
          // runs right after this operation, on this thread, and answers the parked read.
          member
              .getRingbuffer(inbox)
              .addAsync(
                  LeaseMaps.grantItem(granted.getKey(), granted.getValue().token()),
                  OverflowPolicy.OVERWRITE);
        }
      } catch (RuntimeException e) {
        // The entry event still tells the waiter, and its poll at the latest.
      }
    }
  }
}
