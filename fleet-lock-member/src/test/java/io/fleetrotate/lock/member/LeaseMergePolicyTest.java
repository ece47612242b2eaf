package io.fleetrotate.lock.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.MergingValue;
import org.junit.jupiter.api.Test;

class LeaseMergePolicyTest {

  private final LeaseMergePolicy policy = new LeaseMergePolicy();

  /** A side's value as the merge hands it over: already deserialized, raw form kept apart. */
  private record Side(Object value, Object raw) implements MergingValue<Object> {
    @Override
    public Object getDeserializedValue() {
      return value;
    }

    @Override
    public Object getRawValue() {
      return raw;
    }
  }

  private static LeaseTable tableWithFence(long fence, String holder) {
    LeaseTable t = new LeaseTable();
    t.raiseFence(fence - 1);
    t.tryAcquire(new AcquireRequest(holder, 0.5, 0, 1, 60_000, 60_000, 0), 1_000);
    return t;
  }

  @Test
  void theHigherCounterWinsWhicheverSideMerges() {
    LeaseTable low = tableWithFence(3, "a");
    LeaseTable high = tableWithFence(8, "b");
    Object merged = policy.merge(new Side(low, "raw-low"), new Side(high, "raw-high"));
    assertThat(merged).isInstanceOf(LeaseTable.class);
    assertThat(((LeaseTable) merged).fence()).isEqualTo(8);
    assertThat(((LeaseTable) merged).holders()).containsOnlyKeys("a", "b");
    Object other = policy.merge(new Side(high, "raw-high"), new Side(low, "raw-low"));
    assertThat(((LeaseTable) other).fence()).isEqualTo(8);
  }

  @Test
  void anEntryOnlyOneSideHasIsTakenAsItIs() {
    assertThat(policy.merge(new Side(tableWithFence(2, "a"), "raw"), null)).isEqualTo("raw");
  }

  @Test
  void aForeignValueKeepsTheExistingEntry() {
    assertThat(policy.merge(new Side("junk", "raw-junk"), new Side(tableWithFence(2, "a"), "kept")))
        .isEqualTo("kept");
  }
}
