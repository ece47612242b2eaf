package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock service cannot be reached: wait (fail closed), or rotate once the disk is critical. */
class AgentUnreachableLockTest {

  @TempDir Path dir;

  private AgentConfig config(Path live, String onUnavailable, double critical) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // nothing listens there once closed
    }
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: unreachable-test, group: g }
            stateDir: %s
            lock:
              backend: redis
              redis: { uri: "redis://127.0.0.1:%d" }
              onUnavailable: %s
              criticalDiskRatio: %s
              acquireTimeout: 5s
            files:
              - path: %s
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), closedPort, onUnavailable, critical, live));
    return ConfigLoader.load(config, Map.of());
  }

  private Path live() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    return Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(1000));
  }

  private RotationOutcome rotateOnce(AgentConfig c, Path live) throws Exception {
    try (FleetLock lock = c.lock().open(c.stateDir())) {
      Agent agent = new Agent(c, lock, Clock.systemUTC(), new AgentMetrics(), (o, b, w) -> true);
      return agent.rotateNow(live, Trigger.SIZE, ProgressListener.NONE);
    }
  }

  @Test
  void byDefaultNothingRotatesWithoutALease() throws Exception {
    Path live = live();
    RotationOutcome o = rotateOnce(config(live, "wait", 0.95), live);
    assertThat(o.result()).isEqualTo(Result.SKIPPED);
    assertThat(o.reason()).contains(FailureReason.LOCK_UNAVAILABLE);
    assertThat(o.message()).contains("deferred until the redis lock service is reachable again");
    assertThat(Files.size(live)).isEqualTo(10_000);
  }

  @Test
  void aCriticalDiskRotatesAnywayAsAnEmergency() throws Exception {
    Path live = live();
    // Any disk in use is above this ratio: the log's mount counts as critical.
    RotationOutcome o = rotateOnce(config(live, "rotate-when-critical", 0.000001), live);
    assertThat(o.succeeded()).as(o.message()).isTrue();
    assertThat(o.trigger()).isEqualTo(Trigger.EMERGENCY);
    assertThat(o.fencingToken()).isZero();
    assertThat(Files.size(live)).isZero();
  }
}
