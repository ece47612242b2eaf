package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.it.AgentProcess;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent rotate --now} as a real process: its rotation reaches the coordinator (through the
 * outbox, or through the running daemon that owns it), stdout carries only the human lines, and a
 * lock service that is down or a log that does not exist is one sentence.
 */
class RotateCommandReportingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Path logs;
  private Path live;

  /** What a finished process printed. */
  record Ran(int exit, String out, String err) {}

  @BeforeEach
  void aLog() throws Exception {
    logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(10_000));
  }

  private Path config(String extra) throws IOException {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        """
        node: { id: rotate-now, group: g }
        stateDir: %s
        checkInterval: 1s
        http: { enabled: false }
        %s
        files:
          - path: %s
            trigger: { maxSize: 1GiB }
            reopen: { method: copytruncate }
        """
            .formatted(dir.resolve("state"), extra, live));
  }

  private Process start(String name, String... args) throws IOException {
    return AgentProcess.start(
        AgentMain.class,
        List.of(),
        ProcessBuilder.Redirect.to(dir.resolve(name + ".out").toFile()),
        ProcessBuilder.Redirect.to(dir.resolve(name + ".err").toFile()),
        args);
  }

  private Ran run(String name, String... args) throws Exception {
    Process p = start(name, args);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
    return new Ran(
        p.exitValue(),
        Files.readString(dir.resolve(name + ".out")),
        Files.readString(dir.resolve(name + ".err")));
  }

  private static String coordinatorSection(FakeCoordinator c) {
    return "coordinator: { url: \"%s\", token: \"%s\", heartbeat: 1s }"
        .formatted(c.url(), FakeCoordinator.TOKEN);
  }

  @Test
  void rotateNowIsReportedAndPrintsOnlyHumanLines() throws Exception {
    try (FakeCoordinator coordinator = FakeCoordinator.start()) {
      Path c = config(coordinatorSection(coordinator));
      Ran r = run("rotate", "rotate", "--config", c.toString(), "--now");

      assertThat(r.exit()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).startsWith("SUCCESS " + live);
      assertThat(r.out().lines()).noneMatch(l -> l.startsWith("{"));
      assertThat(coordinator.stored())
          .singleElement()
          .satisfies(e -> assertThat(e.trigger()).isEqualTo(Trigger.MANUAL))
          .satisfies(e -> assertThat(e.path()).isEqualTo(live.toString()));
    }
  }

  @Test
  void logsAreJsonWhenNotOnATerminalAndTextWhenAsked() throws Exception {
    Path c = lockDownConfig();
    Ran json = run("json", "rotate", "--config", c.toString(), "--now");
    Ran text = run("text", "rotate", "--log-format=text", "--config", c.toString(), "--now");

    assertThat(json.err().lines()).isNotEmpty().allMatch(l -> l.startsWith("{\"@timestamp\""));
    assertThat(text.err().lines())
        .isNotEmpty()
        .noneMatch(l -> l.startsWith("{"))
        .anyMatch(l -> l.contains(" WARN  ") && l.contains("hazelcast"));
    assertThat(json.out()).isEqualTo(text.out());
  }

  @Test
  void besideARunningDaemonTheDaemonReportsTheRotation() throws Exception {
    try (FakeCoordinator coordinator = FakeCoordinator.start()) {
      Path c = config(coordinatorSection(coordinator));
      Process daemon = start("daemon", "run", "--config", c.toString());
      try {
        await()
            .atMost(DEADLINE)
            .until(() -> !coordinator.heartbeats().isEmpty() || !daemon.isAlive());
        assertThat(daemon.isAlive()).isTrue();
        Ran r = run("rotate", "rotate", "--config", c.toString(), "--now");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
            .startsWith("SUCCESS " + live)
            .contains("the running agent reports these rotations to " + coordinator.url());
        await().atMost(DEADLINE).until(() -> coordinator.stored().size() == 1);
        RotationEvent e = coordinator.stored().get(0);
        assertThat(e.trigger()).isEqualTo(Trigger.MANUAL);
        await().atMost(DEADLINE).until(() -> journals().isEmpty());
        assertThat(coordinator.received()).hasSize(1);
      } finally {
        daemon.destroy();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  void anUnreachableLockServiceIsOneSentenceWithoutAStackTrace() throws Exception {
    Path c = lockDownConfig();
    Ran r = run("rotate", "rotate", "--config", c.toString(), "--now");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("NOT ROTATED " + live + ": the hazelcast lock service is unreachable");
    assertThat(r.out() + r.err())
        .doesNotContain("Client is being shutdown")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(Files.size(live)).as("untouched").isEqualTo(100_000);
  }

  @Test
  void rotateNowWithNoLogSaysWhatIsMissingAndNotAddNow() throws Exception {
    Path c = config("");
    Files.delete(live);
    Ran r = run("rotate", "rotate", "--config", c.toString(), "--now");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out() + r.err()).doesNotContain("add --now");
    assertThat(r.err().strip())
        .startsWith("nothing to rotate: no file matches [" + live + "]")
        .doesNotContain("\n");
  }

  /** A Hazelcast lock whose only member address has nothing listening. */
  private Path lockDownConfig() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    return config(
        "lock: { backend: hazelcast, acquireTimeout: 3s, hazelcast: { members: [\"127.0.0.1:%d\"] } }"
            .formatted(closed));
  }

  private List<Path> journals() throws IOException {
    Path j = dir.resolve("state/journal");
    if (!Files.isDirectory(j)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(j)) {
      return files.filter(f -> f.toString().endsWith(".journal")).toList();
    }
  }
}
