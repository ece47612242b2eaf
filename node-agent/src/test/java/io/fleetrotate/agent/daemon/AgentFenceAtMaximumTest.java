package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fence at Long.MAX_VALUE is never "raised past": the agent's counter raise would wrap. */
class AgentFenceAtMaximumTest {

  @TempDir Path dir;

  @Test
  void aFenceAtTheLargestTokenFailsEveryRotationAndTheCounterIsNeverRaisedToIt() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(1000));
    Files.writeString(
        FenceFile.pathFor(live), Long.MAX_VALUE + " g other@host 2026-11-20T02:00:00Z\n");
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: fence-max-test, group: g }
            stateDir: %s
            lock: { backend: local }
            files:
              - path: %s
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), live));
    AgentConfig c = ConfigLoader.load(config, Map.of());

    try (LocalFleetLock lock = new LocalFleetLock(c.stateDir().resolve("locks"), 1)) {
      Agent agent = new Agent(c, lock, Clock.systemUTC(), new AgentMetrics(), (o, b, w) -> true);
      for (int i = 0; i < 2; i++) {
        RotationOutcome o = agent.rotateNow(live, Trigger.MANUAL, ProgressListener.NONE);
        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.reason()).contains(FailureReason.LEASE_LOST);
        assertThat(o.message()).contains("the largest a fencing counter can hold");
        assertThat(o.fencingToken()).isBetween(1L, 10L);
      }
    }
    assertThat(Files.size(live)).isEqualTo(10_000);
    String counter = Files.readString(c.stateDir().resolve("locks/g.fence")).strip();
    assertThat(Long.parseLong(counter)).isBetween(1L, 10L);
  }
}
