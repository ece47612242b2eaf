package io.fleetrotate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFleetLockTest {

  @TempDir Path dir;

  @Test
  void aSecondWaiterTimesOutWhileTheLeaseIsHeld() throws Exception {
    LocalFleetLock lock = new LocalFleetLock(dir, 1);
    try (Lease held = lock.acquire("mcp", 0.5, Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> lock.acquire("mcp", 0.9, Duration.ofMillis(200)))
          .isInstanceOf(LockTimeoutException.class)
          .hasMessageContaining("group mcp");
    }
  }

  @Test
  void releaseLetsTheNextHolderInWithAHigherToken() throws Exception {
    LocalFleetLock lock = new LocalFleetLock(dir, 1);
    long first;
    try (Lease a = lock.acquire("mcp", 0.5, Duration.ofSeconds(1))) {
      first = a.fencingToken();
    }
    try (Lease b = lock.acquire("mcp", 0.5, Duration.ofSeconds(1))) {
      assertThat(b.fencingToken()).isGreaterThan(first);
    }
  }

  @Test
  void maxConcurrentAllowsThatManyHolders() throws Exception {
    LocalFleetLock lock = new LocalFleetLock(dir, 2);
    try (Lease a = lock.acquire("mcp", 0.5, Duration.ofSeconds(1));
        Lease b = lock.acquire("mcp", 0.5, Duration.ofSeconds(1))) {
      assertThat(a.fencingToken()).isNotEqualTo(b.fencingToken());
      assertThatThrownBy(() -> lock.acquire("mcp", 0.5, Duration.ofMillis(150)))
          .isInstanceOf(LockTimeoutException.class);
    }
  }

  @Test
  void groupsAreIndependent() throws Exception {
    LocalFleetLock lock = new LocalFleetLock(dir, 1);
    try (Lease a = lock.acquire("api", 0.5, Duration.ofSeconds(1));
        Lease b = lock.acquire("worker", 0.5, Duration.ofSeconds(1))) {
      assertThat(a.group()).isEqualTo("api");
      assertThat(b.group()).isEqualTo("worker");
    }
  }

  @Test
  void aClosedLeaseIsNoLongerValid() throws Exception {
    LocalFleetLock lock = new LocalFleetLock(dir, 1);
    Lease a = lock.acquire("mcp", 0.5, Duration.ofSeconds(1));
    a.checkValid();
    a.close();
    assertThatThrownBy(a::checkValid).isInstanceOf(LeaseLostException.class);
  }
}
