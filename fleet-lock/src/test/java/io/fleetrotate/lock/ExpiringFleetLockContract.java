package io.fleetrotate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The contract of backends whose grants live on a network service with a TTL (Redis, Hazelcast): on
 * top of {@link FleetLockContract}, the watchdog keeps a working holder's lease past its TTL, and a
 * grant taken away behind the holder's back is reported lost at the next step boundary.
 */
public abstract class ExpiringFleetLockContract extends FleetLockContract {

  /** Deletes every grant of {@code group} on the service, as an expiry during a pause would. */
  protected abstract void revokeAll(String group) throws Exception;

  @Test
  void theWatchdogKeepsAWorkingHoldersLeasePastItsTtl() throws Exception {
    FleetLock holder = client();
    FleetLock other = client();
    try (Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5))) {
      long until = System.nanoTime() + TTL.multipliedBy(3).toNanos();
      while (System.nanoTime() < until) {
        held.checkValid();
        assertThatThrownBy(() -> other.acquire(group, 1.0, Duration.ofMillis(300)))
            .isInstanceOf(LockTimeoutException.class);
      }
      held.checkValid();
    }
  }

  @Test
  void aRevokedLeaseIsReportedLostAndItsReleaseSparesTheNextHolder() throws Exception {
    FleetLock holder = client();
    FleetLock next = client();
    Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5));
    revokeAll(group);
    try (Lease taken = next.acquire(group, 0.5, Duration.ofSeconds(5))) {
      assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
      // The old holder's next renewal is refused: it learns within a renewal period.
      await()
          .atMost(TTL)
          .untilAsserted(
              () ->
                  assertThatThrownBy(held::checkValid)
                      .isInstanceOf(LeaseLostException.class)
                      .hasMessageContaining(group));
      held.close(); // owner-checked: must not release the new holder's grant
      FleetLock third = client();
      assertThatThrownBy(() -> third.acquire(group, 1.0, Duration.ofMillis(500)))
          .isInstanceOf(LockTimeoutException.class);
      taken.checkValid();
    }
  }
}
