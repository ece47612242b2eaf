package io.fleetrotate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.config.advice.GrowthRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code agent advise} on real files, from a growth record in the state directory. */
class AdviseCommandTest {
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void advisesFromTheAgentsOwnGrowthRecordAndSaysWhenThereIsNone() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path server = Files.writeString(logs.resolve("server.log"), "x".repeat(100));
    Files.writeString(logs.resolve("quiet.log"), "y");
    Path state = Files.createDirectories(dir.resolve("state"));
    // Three days of 10MiB an hour, recorded by an earlier run.
    GrowthRecord record = new GrowthRecord();
    Instant start = Instant.now().minus(Duration.ofHours(80));
    for (int h = 0; h <= 72; h++) {
      record.observe(h * 10 * MIB, start.plus(Duration.ofHours(h)));
    }
    Files.writeString(
        state.resolve("growth.json"), "{\"" + server + "\": \"" + record.encode() + "\"}");
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: advise-test, group: g }
            stateDir: %s
            http: { enabled: false }
            files:
              - path: %s/*.log
                compress: { codec: gzip }
                reopen: { method: copytruncate }
            """
                .formatted(state, logs));

    StringWriter out = new StringWriter();
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cli.execute("advise", "--config", config.toString())).isZero();

    assertThat(out.toString())
        .contains("# " + server)
        .contains("  maxSize: 10MiB  # at the P95 growth of 10MiB/h")
        .contains("  keep: 168  # at the P50 growth of 10MiB/h")
        .contains("quiet.log\n#   no growth recorded yet");
    assertThat(state.resolve("growth.json")).content().contains("quiet.log");
  }
}
