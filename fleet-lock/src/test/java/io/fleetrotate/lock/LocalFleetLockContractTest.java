package io.fleetrotate.lock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file-lock backend against the contract every backend meets. Its service is the lock
 * directory: an outage is that directory going away (an unmounted or removed share) and coming
 * back; a waiter's queue file goes and comes back with it, so the waiter keeps its place.
 */
class LocalFleetLockContractTest extends FleetLockContract {

  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("locks");
  }

  private Path away() {
    return tmp.resolve("locks-unmounted");
  }

  @Override
  protected FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order) throws Exception {
    return new LocalFleetLock(dir(), maxConcurrent, order, Clock.systemUTC(), loop());
  }

  @Override
  protected void crash(FleetLock client) {
    ((LocalFleetLock) client).simulateCrash();
  }

  @Override
  protected void interruptService() throws Exception {
    Files.move(dir(), away());
  }

  @Override
  protected void restoreService() throws Exception {
    if (Files.exists(away())) {
      Files.move(away(), dir());
    }
  }

  /** A file operation on a local directory answers at once. */
  @Override
  protected Duration askBound() {
    return Duration.ofMillis(100);
  }
}
