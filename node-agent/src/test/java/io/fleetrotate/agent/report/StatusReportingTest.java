package io.fleetrotate.agent.report;

import static io.fleetrotate.agent.report.TestEvents.events;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.proto.WireCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fleetrotate agent status} tells how reporting stands, from what the daemon left. */
class StatusReportingTest {
  @TempDir Path dir;
  private Path logs;
  private final StringWriter out = new StringWriter();

  @BeforeEach
  void oneLog() throws Exception {
    logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Files.writeString(logs.resolve("server.log"), "line\n");
  }

  private Path config(String coordinator) throws Exception {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        """
        node: { id: status-test, group: g }
        stateDir: %s
        http: { enabled: false }
        %s
        files:
          - path: %s/*.log
            reopen: { method: copytruncate }
        """
            .formatted(dir.resolve("state"), coordinator, logs));
  }

  private int status(Path config) {
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute("status", "--config", config.toString());
  }

  @Test
  void statusShowsTheOutboxDepthAndHowTheLastReportsWent() throws Exception {
    Path c = config("coordinator: { url: \"http://coordinator.example:8420\" }");
    Path outbox = Reporter.outboxDir(dir.resolve("state"));
    try (Outbox o = Outbox.open(outbox, new WireCodec(), 100_000)) {
      events(1, 3).forEach(o::record);
      o.reject(o.peek(1).get(0), "refused in a test");
    }
    LastReports last = new LastReports(outbox.resolve(LastReports.FILE), Clock.systemUTC());
    last.heartbeat(true, "ok");
    last.events(false, "cannot reach the coordinator at http://coordinator.example:8420");

    assertThat(status(c)).isZero();

    assertThat(out.toString())
        .contains("reporting to http://coordinator.example:8420: 2 events wait in the outbox")
        .contains("1 refused events kept in " + outbox.resolve("rejected"))
        .containsPattern("last heartbeat [0-9T:.Z-]+: ok")
        .containsPattern("last events [0-9T:.Z-]+: cannot reach the coordinator");
  }

  @Test
  void statusSaysWhenNothingWasReportedYet() throws Exception {
    assertThat(status(config("coordinator: { url: \"http://coordinator.example:8420\" }")))
        .isZero();

    assertThat(out.toString())
        .contains("reporting to http://coordinator.example:8420: 0 events wait in the outbox")
        .contains("nothing reported yet");
  }

  @Test
  void statusOfAStandaloneAgentSaysItReportsNothing() throws Exception {
    assertThat(status(config(""))).isZero();

    assertThat(out.toString()).contains("reporting: none (no coordinator section)");
  }
}
