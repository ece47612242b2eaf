package io.fleetrotate.lock.member;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/** Runs on a backup replica: stores the table the primary computed, unchanged. */
final class StoreState<R> implements EntryProcessor<String, LeaseTable, R> {
  private static final long serialVersionUID = 1L;

  private final LeaseTable table;

  StoreState(LeaseTable table) {
    this.table = table;
  }

  @Override
  public R process(Map.Entry<String, LeaseTable> entry) {
    entry.setValue(table);
    return null;
  }

  @Override
  public EntryProcessor<String, LeaseTable, R> getBackupProcessor() {
    return null;
  }
}
