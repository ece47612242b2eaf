package io.fleetrotate.lock.member;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * The common shape of the lease EntryProcessors: read the group's {@link LeaseTable} (an empty one
 * if absent), apply one rule on a copy with the member's clock, and write the copy back only when
 * it changed.
 *
 * <p>Writing only on change matters: every write fires an entry event that wakes all waiters of the
 * group. And the backup replica is not sent this processor to run again (the default), which would
 * read the backup member's clock and could decide differently; it is sent the resulting table
 * ({@link StoreState}), so the backup is an exact copy of the primary.
 *
 * <p>Plain {@link java.io.Serializable} (through {@link EntryProcessor}): a member needs only this
 * jar on its classpath, no serializer factory in its configuration.
 */
abstract class LeaseProcessor<R> implements EntryProcessor<String, LeaseTable, R> {
  private static final long serialVersionUID = 1L;

  /** Set on the primary when {@link #process} wrote; read right after for the backup. */
  private transient LeaseTable written;

  @Override
  public final R process(Map.Entry<String, LeaseTable> entry) {
    return process(entry, System.currentTimeMillis());
  }

  /** {@link #process(Map.Entry)} with an explicit clock, for tests. */
  final R process(Map.Entry<String, LeaseTable> entry, long nowMillis) {
    LeaseTable before = entry.getValue();
    LeaseTable after = before == null ? new LeaseTable() : before.copy();
    R result = apply(after, nowMillis);
    boolean changed = before == null ? !after.isEmpty() : !after.equals(before);
    if (changed) {
      after.nextVersion();
      entry.setValue(after);
      written = after;
    }
    return stamped(result, after.version());
  }

  /**
   * The answer given with the version of the table it left; as it is, but for {@link TryAcquire}.
   */
  R stamped(R result, long version) {
    return result;
  }

  /** Applies this processor's rule to {@code table}, which it may change. */
  abstract R apply(LeaseTable table, long nowMillis);

  @Override
  public EntryProcessor<String, LeaseTable, R> getBackupProcessor() {
    return written == null ? null : new StoreState<>(written);
  }
}
