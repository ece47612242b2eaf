package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.it.AgentProcess;
import io.fleetrotate.agent.it.HookedAgentMain;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent run} as a child JVM, SIGKILLed at the instant a rotation has ended (succeeded or
 * failed) and its event is not yet in the outbox (right after the journal's DONE record): the next
 * run finds the event in the journal, and the coordinator receives it exactly once.
 */
class EventKeptAcrossKillTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  private Process run(Path config, Path output, List<String> jvmArgs) throws IOException {
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(output.toFile());
    return AgentProcess.start(
        HookedAgentMain.class, jvmArgs, log, log, "run", "--config", config.toString());
  }

  private static List<Path> journals(Path journalDir) throws IOException {
    if (!Files.isDirectory(journalDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(journalDir)) {
      return files.filter(f -> f.toString().endsWith(".journal")).toList();
    }
  }

  @Test
  void aKillBetweenTheEndOfARotationAndItsEventLosesNothingAndDuplicatesNothing() throws Exception {
    Path live = liveLog();
    RotationEvent e = killedAtDoneThenRestarted(live, "reopen: { method: copytruncate }");
    assertThat(e.result()).isEqualTo(Result.SUCCESS);
    assertThat(e.path()).isEqualTo(live.toString());
    assertThat(e.bytesBefore()).isEqualTo(10L * 200_000);
  }

  /**
   * A failure that touched the log (moved aside, then the server's reload command failed) ends its
   * journal as a success does: its FAILED event survives the kill, once.
   */
  @Test
  void aKillRightAfterAFailedRotationLosesNotItsEventAndDuplicatesNothing() throws Exception {
    Path live = liveLog();
    RotationEvent e =
        killedAtDoneThenRestarted(
            live, "reopen: { method: command, command: [\"/bin/false\"], timeout: 10s }");
    assertThat(e.result()).isEqualTo(Result.FAILED);
    assertThat(e.reason()).isEqualTo(FailureReason.REOPEN_FAILED);
    assertThat(e.path()).isEqualTo(live.toString());
    assertThat(e.bytesBefore()).isEqualTo(10L * 200_000);
    try (Stream<Path> files = Files.list(live.getParent())) {
      assertThat(files.filter(f -> f.getFileName().toString().matches("server\\.log\\.\\d{8}.*")))
          .as("the moved log is kept whole and uncompressed")
          .singleElement()
          .satisfies(b -> assertThat(b).hasSize(10L * 200_000));
    }
  }

  private Path liveLog() throws IOException {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    return Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(200_000));
  }

  /**
   * Runs the agent until {@code live}'s rotation has journaled its end, SIGKILLs it there, checks
   * the event is only in the journal, runs it again and returns the one event the coordinator
   * stored (received once, not twice).
   */
  private RotationEvent killedAtDoneThenRestarted(Path live, String reopen) throws Exception {
    Path state = dir.resolve("state");
    Path outbox = Reporter.outboxDir(state);
    Path journalDir = state.resolve("journal");
    Path output = dir.resolve("agent-output.log");
    try (FakeCoordinator coordinator = FakeCoordinator.start()) {
      Path config =
          Files.writeString(
              dir.resolve("agent.yaml"),
              """
              node: { id: killed-at-done, group: g }
              stateDir: %s
              checkInterval: 1s
              http: { enabled: false }
              coordinator: { url: "%s", token: "%s", heartbeat: 1s }
              files:
                - path: %s
                  trigger: { maxSize: 1MiB }
                  %s
              """
                  .formatted(state, coordinator.url(), FakeCoordinator.TOKEN, live, reopen));

      Process first = run(config, output, List.of("-Dfleetrotate.test.pauseAfter=DONE"));
      Path marker = journalDir.resolve("paused-after-DONE");
      try {
        await().atMost(DEADLINE).until(() -> Files.exists(marker) || !first.isAlive());
        assertThat(marker).as(Files.readString(output)).exists();
      } finally {
        first.destroyForcibly(); // SIGKILL, right after the DONE record
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      UUID rotationId = UUID.fromString(Files.readString(marker).strip());
      assertThat(Outbox.depth(outbox).pending()).as("nothing reached the outbox").isZero();
      assertThat(journals(journalDir))
          .singleElement()
          .satisfies(j -> assertThat(Files.readString(j)).contains("\"step\":\"DONE\""));
      assertThat(coordinator.received()).isEmpty();
      Files.delete(marker);

      Process second = run(config, output, List.of());
      try {
        await().atMost(DEADLINE).until(() -> coordinator.stored().size() == 1);
        await().atMost(DEADLINE).until(() -> Outbox.depth(outbox).pending() == 0);
        await().atMost(DEADLINE).until(() -> journals(journalDir).isEmpty());
      } finally {
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(output)).isTrue();
      }
      RotationEvent e = coordinator.stored().get(0);
      assertThat(e.eventId()).isEqualTo(rotationId);
      assertThat(coordinator.received()).as("sent once, not twice").hasSize(1);
      return e;
    }
  }
}
