package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.lock.FleetLock;
import io.fleetrotate.agent.lock.LocalFleetLock;
import java.io.IOException;

/** Builds the configured lock backend. */
final class Locks {
  private Locks() {}

  static FleetLock open(AgentConfig c) throws IOException {
    return switch (c.lock().backend()) {
      case LOCAL -> new LocalFleetLock(c.stateDir().resolve("locks"), c.lock().maxConcurrent());
      case REDIS, HAZELCAST ->
          throw new IOException(
              "lock.backend: "
                  + c.lock().backend().wireName()
                  + " is not available in this build yet; use lock.backend: local");
    };
  }
}
