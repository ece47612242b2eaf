package io.fleetrotate.lock.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.AbstractMap.SimpleEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The processors as a member runs them, on a plain map entry: what they write, what the backup
 * replica is sent, and that they survive the Java serialization a client and a member use.
 */
class LeaseProcessorTest {

  private static final AcquireRequest REQUEST =
      new AcquireRequest("owner-1", 0.7, 600_000, 1, 2_000, 5_000, 0);

  private final Map.Entry<String, LeaseTable> entry = new SimpleEntry<>("mcp", null);

  @Test
  void aGrantIsWrittenAndTheBackupIsSentTheResultNotTheRequest() {
    TryAcquire primary = new TryAcquire(REQUEST);
    AcquireOutcome out = primary.process(entry, 1_000);
    assertThat(out.token()).isEqualTo(1);
    assertThat(entry.getValue().holders().get("owner-1").expiresAtMillis()).isEqualTo(3_000);

    EntryProcessor<String, LeaseTable, AcquireOutcome> backup = primary.getBackupProcessor();
    assertThat(backup).isInstanceOf(StoreState.class);
    // The backup member runs it later, with its own clock: the table is the primary's all the same.
    Map.Entry<String, LeaseTable> replica = new SimpleEntry<>("mcp", null);
    backup.process(replica);
    assertThat(replica.getValue()).isEqualTo(entry.getValue());
  }

  @Test
  void nothingIsWrittenNorBackedUpWhenNothingChanged() {
    new TryAcquire(REQUEST).process(entry, 1_000);
    LeaseTable stored = entry.getValue();

    TryAcquire again = new TryAcquire(REQUEST);
    assertThat(again.process(entry, 1_100).token()).isEqualTo(1);
    assertThat(entry.getValue()).isSameAs(stored);
    assertThat(again.getBackupProcessor()).isNull();

    Release stranger = new Release("someone-else");
    assertThat(stranger.process(entry, 1_200)).isFalse();
    assertThat(entry.getValue()).isSameAs(stored);
    assertThat(stranger.getBackupProcessor()).isNull();
  }

  @Test
  void aProcessorNeverChangesTheTableItWasGiven() {
    new TryAcquire(REQUEST).process(entry, 1_000);
    LeaseTable stored = entry.getValue();
    LeaseTable snapshot = stored.copy();
    new Release("owner-1").process(entry, 1_100);
    assertThat(stored).as("an OBJECT-format map hands out the stored instance").isEqualTo(snapshot);
    assertThat(entry.getValue().holders()).isEmpty();
  }

  @Test
  void releasingOnAGroupWithoutStateCreatesNoEntry() {
    assertThat(new Release("nobody").process(entry, 1_000)).isFalse();
    assertThat(new Renew("nobody", 2_000).process(entry, 1_000)).isFalse();
    assertThat(entry.getValue()).isNull();
  }

  @Test
  void renewReleaseRevokeAndRaiseFenceApplyTheirRules() {
    new TryAcquire(REQUEST).process(entry, 1_000);
    assertThat(new Renew("owner-1", 2_000).process(entry, 2_000)).isTrue();
    assertThat(entry.getValue().holders().get("owner-1").expiresAtMillis()).isEqualTo(4_000);
    assertThat(new Renew("intruder", 2_000).process(entry, 2_100)).isFalse();
    assertThat(new RevokeAll().process(entry, 2_200)).isEqualTo(1);
    assertThat(new Renew("owner-1", 2_000).process(entry, 2_300)).isFalse();
    assertThat(new RaiseFence(9).process(entry, 2_400)).isEqualTo(9L);
    assertThat(new RaiseFence(4).process(entry, 2_500)).isEqualTo(9L);
    assertThat(new TryAcquire(REQUEST).process(entry, 2_600).token()).isEqualTo(10);
  }

  @Test
  void processorsTablesAndOutcomesSurviveJavaSerialization() throws Exception {
    TryAcquire primary = new TryAcquire(REQUEST);
    primary.process(entry, 1_000);
    for (Object o :
        new Object[] {
          primary,
          new Renew("o", 1),
          new Release("o"),
          new RevokeAll(),
          new RaiseFence(3),
          primary.getBackupProcessor(),
          entry.getValue(),
          AcquireOutcome.waiting(10, 2)
        }) {
      Object back = roundTrip(o);
      assertThat(back).isInstanceOf(o.getClass());
      if (o instanceof LeaseTable || o instanceof AcquireOutcome) {
        assertThat(back).isEqualTo(o);
      }
    }
    // The request travels inside the processor and yields the same decision.
    TryAcquire copy = roundTrip(new TryAcquire(REQUEST));
    Map.Entry<String, LeaseTable> fresh = new SimpleEntry<>("mcp", null);
    // Stamped with the version of the table it wrote, the first.
    assertThat(copy.process(fresh, 1_000)).isEqualTo(AcquireOutcome.granted(1).withVersion(1));
    assertThat(fresh.getValue().version()).isEqualTo(1);
  }

  @Test
  void aWaiterIsToldTheVersionItsAskLeftAndOnlyWritesCountOne() {
    Map.Entry<String, LeaseTable> entry = new SimpleEntry<>("mcp", null);
    new TryAcquire(REQUEST).process(entry, 1_000);
    AcquireRequest other = new AcquireRequest("owner-2", 0.5, 600_000, 1, 2_000, 5_000, 0);
    AcquireOutcome queued = new TryAcquire(other).process(entry, 1_010);
    assertThat(queued.isGranted()).isFalse();
    assertThat(queued.version()).isEqualTo(2).isEqualTo(entry.getValue().version());
    // Asking again changes nothing: no write, the same version.
    assertThat(new TryAcquire(other).process(entry, 1_020).version()).isEqualTo(2);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
