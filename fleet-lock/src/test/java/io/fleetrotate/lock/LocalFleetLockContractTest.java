package io.fleetrotate.lock;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The local file-lock backend against the contract every backend meets. */
class LocalFleetLockContractTest extends FleetLockContract {

  @TempDir Path dir;

  @Override
  protected FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order) throws Exception {
    return new LocalFleetLock(dir, maxConcurrent, order, Clock.systemUTC(), Ticker.SYSTEM);
  }

  @Override
  protected void crash(FleetLock client) {
    ((LocalFleetLock) client).simulateCrash();
  }
}
