package io.fleetrotate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.AgentMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code agent import-logrotate} through picocli: exit codes, and YAML only on stdout. */
class ImportLogrotateCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** Runs {@code agent validate} on what the import wrote to stdout. */
  private int validateStdout() throws Exception {
    Path yaml = Files.writeString(dir.resolve("agent.yaml"), out.toString());
    StringWriter vout = new StringWriter();
    StringWriter verr = new StringWriter();
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(vout, true));
    cli.setErr(new PrintWriter(verr, true));
    int code = cli.execute("validate", "--config", yaml.toString());
    assertThat(verr.toString()).isEmpty();
    return code;
  }

  @Test
  void anExactImportExitsZeroWithTheYamlOnStdout() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("mcp"),
            """
            /var/log/mcp/server.log {
                daily
                rotate 7
                compress
                notifempty
                dateext
                dateformat .%Y%m%d
                postrotate
                    kill -HUP $(cat /run/mcp.pid)
                endscript
            }
            """);
    assertThat(run("import-logrotate", conf.toString())).isZero();
    assertThat(out.toString()).startsWith("# Imported from logrotate").contains("files:");
    assertThat(err.toString())
        .isEqualTo("imported 1 file entry; every directive carried over" + System.lineSeparator());
    assertThat(validateStdout()).isZero();
  }

  @Test
  void warningsGoToStderrWithFileAndLineAndExitOne() throws Exception {
    Path conf =
        Files.writeString(dir.resolve("mailer"), "/var/log/a.log {\n    mail ops@example.com\n}\n");
    assertThat(run("import-logrotate", conf.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(conf + ":2: mail: the agent does not mail logs")
        .contains(conf + ":1: nodateext: ")
        .contains("imported 1 file entry; 2 warnings above");
    assertThat(out.toString()).doesNotContain("does not mail");
    assertThat(validateStdout()).isZero();
  }

  @Test
  void anUnreadableInputExitsTwoWithOneSentenceAndNoYaml() {
    Path missing = dir.resolve("missing.conf");
    assertThat(run("import-logrotate", missing.toString())).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .isEqualTo("cannot read " + missing + ": it does not exist." + System.lineSeparator());
  }

  @Test
  void withoutAFileItIsAUsageErrorAndTheHelpListsTheCommand() {
    assertThat(run("import-logrotate")).isEqualTo(2);
    assertThat(err.toString()).contains("FILE");
    out.getBuffer().setLength(0);
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("import-logrotate");
  }
}
