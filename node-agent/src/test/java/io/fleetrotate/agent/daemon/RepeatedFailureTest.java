package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A due log whose reopen target is gone (the MCP server stopped and took its pid file with it) is
 * left where it is, and the failure is reported once, not at every check; once the server is back
 * the next check rotates it, and a later failure is reported again.
 */
class RepeatedFailureTest {
  @TempDir Path dir;

  @Test
  void aFailureThatLeavesTheLogUntouchedIsReportedOnceUntilItChanges() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(1000));
    Path pidFile = dir.resolve("server.pid");
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: repeat-test, group: g }
            stateDir: %s
            lock: { backend: local }
            files:
              - path: %s
                trigger: { maxSize: 1KiB }
                reopen: { method: signal, signal: HUP, pidFile: %s }
            """
                .formatted(dir.resolve("state"), live, pidFile));
    AgentConfig config = ConfigLoader.load(yaml, Map.of());
    List<RotationOutcome> reported = new ArrayList<>();
    try (FleetLock lock = config.lock().open(config.stateDir())) {
      Agent agent =
          new Agent(
              config, lock, Clock.systemUTC(), new AgentMetrics(), (r, b, w) -> reported.add(r));
      for (int i = 0; i < 5; i++) {
        agent.checkOnce();
      }
      assertThat(reported).hasSize(1);
      assertThat(reported.get(0).result()).isEqualTo(Result.FAILED);
      assertThat(reported.get(0).reason()).contains(FailureReason.REOPEN_FAILED);
      assertThat(reported.get(0).message()).contains(pidFile.toString());
      try (var listing = Files.list(logs)) {
        assertThat(listing).as("the log stays where it is").containsExactly(live);
      }

      // The server is back (a child of this test, running as the log's owner, with a SIGHUP
      // handler: the agent refuses a process the signal would kill): the next check rotates.
      Path ready = dir.resolve("server.ready");
      Process server =
          new ProcessBuilder(
                  "env",
                  "--default-signal=HUP",
                  "python3",
                  "-c",
                  "import signal, sys, time\n"
                      + "signal.signal(signal.SIGHUP, lambda *_: None)\n"
                      + "open(sys.argv[1], 'w').close()\n"
                      + "time.sleep(60)\n",
                  ready.toString())
              .start();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
        Files.writeString(pidFile, Long.toString(server.pid()));
        agent.checkOnce();
      } finally {
        server.destroyForcibly();
      }
      assertThat(reported).hasSize(2);
      assertThat(reported.get(1).result()).isNotEqualTo(Result.FAILED);

      // It goes away again once the log is due: a new failure is reported again, once.
      Files.delete(pidFile);
      Files.writeString(live, "{\"seq\":2}\n".repeat(1000));
      agent.checkOnce();
      agent.checkOnce();
      assertThat(reported).hasSize(3);
      assertThat(reported.get(2).reason()).contains(FailureReason.REOPEN_FAILED);
    }
  }
}
