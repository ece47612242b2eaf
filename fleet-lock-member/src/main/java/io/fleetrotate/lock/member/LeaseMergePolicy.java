package io.fleetrotate.lock.member;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * Merges the two sides' {@link LeaseTable}s of a group after a split brain heals ({@link
 * LeaseTable#merge}): the higher fencing counter survives, so tokens keep increasing across the
 * merge, and the grants of both sides are kept until they end. Hazelcast's default ({@code
 * PutIfAbsentMergePolicy}) would keep the larger cluster's entry as it is, counter included, which
 * may be the lower one. Configured by {@link LeaseMaps#configure}.
 */
public final class LeaseMergePolicy
    implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    Object theirs = merging.getDeserializedValue();
    Object ours = existing.getDeserializedValue();
    if (ours instanceof LeaseTable o && theirs instanceof LeaseTable t) {
      return LeaseTable.merge(o, t);
    }
    return existing.getRawValue();
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // Stateless.
  }

  @Override
  public void readData(ObjectDataInput in) {
    // Stateless.
  }
}
