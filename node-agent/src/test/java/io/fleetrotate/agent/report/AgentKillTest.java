package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.it.AgentProcess;
import io.fleetrotate.agent.report.FakeCoordinator.Failure;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetrotate agent run} as a child JVM: SIGKILLed while its coordinator is failing, the
 * rotation event it wrote survives in the outbox and the next run delivers it, once.
 */
class AgentKillTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  private Process run(Path config, Path output) throws IOException {
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(output.toFile());
    return AgentProcess.start(
        AgentMain.class, List.of(), log, log, "run", "--config", config.toString());
  }

  @Test
  void anEventWrittenBeforeAKillIsDeliveredOnceByTheNextRun() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(200_000));
    Path state = dir.resolve("state");
    Path outbox = Reporter.outboxDir(state);
    Path output = dir.resolve("agent-output.log");
    try (FakeCoordinator coordinator = FakeCoordinator.start()) {
      coordinator.fail(Failure.SERVICE_UNAVAILABLE);
      Path config =
          Files.writeString(
              dir.resolve("agent.yaml"),
              """
              node: { id: killed-agent, group: g }
              stateDir: %s
              checkInterval: 1s
              http: { enabled: false }
              coordinator: { url: "%s", token: "%s", heartbeat: 1s }
              files:
                - path: %s
                  trigger: { maxSize: 1MiB }
                  reopen: { method: copytruncate }
              """
                  .formatted(state, coordinator.url(), FakeCoordinator.TOKEN, live));

      Process first = run(config, output);
      try {
        await()
            .atMost(DEADLINE)
            .until(() -> Files.isDirectory(outbox) && Outbox.depth(outbox).pending() == 1);
        await().atMost(DEADLINE).until(() -> !coordinator.eventRequests().isEmpty());
      } finally {
        first.destroyForcibly(); // SIGKILL
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(coordinator.stored()).isEmpty();
      assertThat(Outbox.depth(outbox).pending()).isEqualTo(1);

      coordinator.fail(Failure.NONE);
      Process second = run(config, output);
      try {
        await().atMost(DEADLINE).until(() -> coordinator.stored().size() == 1);
        await().atMost(DEADLINE).until(() -> Outbox.depth(outbox).pending() == 0);
        await().atMost(DEADLINE).until(() -> !coordinator.heartbeats().isEmpty());
      } finally {
        second.destroy(); // SIGTERM: a clean stop
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(output)).isTrue();
      }

      RotationEvent e = coordinator.stored().get(0);
      assertThat(e.path()).isEqualTo(live.toString());
      assertThat(e.trigger()).isEqualTo(Trigger.SIZE);
      assertThat(e.nodeId()).isEqualTo("killed-agent");
      assertThat(coordinator.received()).hasSize(1);
    }
  }
}
