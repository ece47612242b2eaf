package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.agent.rotate.live.TestFileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills the agent (SIGKILL) right after each journal step while a writer appends, restarts it, and
 * accounts for every line: each must be found exactly once across the live log and its backups.
 */
class CrashRecoveryTest {

  @TempDir Path dir;

  /** Not the writer's default (its umask gives rw-r--r--) nor a fresh file's rw-------. */
  private static final String LOG_MODE = "rw----r--";

  static Stream<Arguments> steps() {
    Stream<Arguments> signal =
        Stream.of(RotationStep.values())
            .filter(s -> s != RotationStep.COPIED)
            .map(s -> Arguments.of("signal", s));
    Stream<Arguments> copying =
        Stream.of("copytruncate", "collapse")
            .flatMap(
                m ->
                    Stream.of(
                            RotationStep.MOVING,
                            RotationStep.COPIED,
                            RotationStep.MOVED,
                            RotationStep.COMPRESSING,
                            RotationStep.DONE)
                        .map(s -> Arguments.of(m, s)));
    return Stream.concat(signal, copying);
  }

  @ParameterizedTest(name = "{0} mode, killed after {1}")
  @MethodSource("steps")
  void aKillAtAnyStepIsFinishedOrUndoneWithoutLosingALine(String mode, RotationStep step)
      throws Exception {
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      killAndRecover(mode, step, Files.createDirectories(scratch.path().resolve("logs")));
    }
  }

  private void killAndRecover(String mode, RotationStep step, Path logs) throws Exception {
    Path log = logs.resolve("server.log");
    Path pidFile = dir.resolve("writer.pid");
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        node: { id: crash-test, group: g }
        stateDir: %s
        http: { enabled: false }
        lock: { backend: local }
        files:
          - path: %s
            trigger: { maxSize: 1KiB }
            retention: { keep: 100 }
            compress: { codec: zstd, level: 3 }
            reopen: %s
        """
            .formatted(
                dir.resolve("state"),
                log,
                mode.equals("signal")
                    // create: only the group is configured, so the new live file must copy the
                    // rotated file's mode, also when it is created by the recovery run.
                    ? "{ method: signal, signal: HUP, pidFile: "
                        + pidFile
                        + " }\n    create: { group: "
                        + ((GroupPrincipal) Files.getAttribute(dir, "posix:group")).getName()
                        + " }"
                    : "{ method: " + mode + " }"));

    Path writerOut = dir.resolve("writer.out");
    Process writer = SharedTools.startWriter(log, 2000, 6, writerOut);
    Files.writeString(pidFile, Long.toString(writer.pid()));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.size(log) > 0);
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString(LOG_MODE));

    Path agentLog = dir.resolve("agent.log");
    PausedRotation.start(agentLog, config, dir.resolve("state"), step.name()).kill();

    int exit = AgentProcess.run(agentLog, "rotate", "--config", config.toString());
    assertThat(exit).as("recovery run; see " + agentLog).isZero();
    PausedRotation.assertNoJournalLeft(dir.resolve("state"));

    long last = SharedTools.awaitWriter(writer, writerOut);
    List<Path> files = SharedTools.logAndBackups(log);
    assertThat(files).noneMatch(p -> p.getFileName().toString().startsWith("."));
    long[] lost = SharedTools.countLost(last, files);
    if (mode.equals("copytruncate")) {
      // Lines written between the final copy and the truncate are lost by design; no duplicates.
      assertThat(lost[1]).as("duplicated across " + files).isZero();
      assertThat(lost[0]).as("missing across " + files).isLessThan(last / 100);
    } else {
      assertThat(lost).as("missing, duplicated across " + files).containsExactly(0, 0);
    }
    assertThat(files).as("a backup exists after a kill at " + step).hasSizeGreaterThan(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
        .as("the live log's mode after a kill at " + step)
        .isEqualTo(LOG_MODE);
  }
}
