package io.fleetrotate.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.CoordinatorMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new CoordinatorMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void runWithABadConfigListsEveryErrorAndExits2() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "http: {port: 99999}\nauth: {agentTokens: [], adminTokens: [tooshort]}\nbogus: 1\n");
    assertThat(run("run", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            file + ":1: http.port: \"99999\" is out of range; write a whole number from 0 to 65535")
        .contains(file + ":2: auth.agentTokens: is empty; list at least one token")
        .contains(file + ":2: auth.adminTokens[0]: is shorter than 16 characters")
        .contains(file + ":3: bogus: unknown key; allowed here:")
        .contains("4 errors in " + file + "; the coordinator did not start.");
  }

  @Test
  void validateAcceptsAGoodConfig() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("good.yaml"),
            "auth: {agentTokens: [agent-token-0123456789], adminTokens: [admin-token-0123456789]}\n"
                + "store: {dir: "
                + dir
                + "}\n");
    assertThat(run("validate", "--config", file.toString())).isZero();
    assertThat(out.toString()).contains("is valid", "1 agent and 1 admin token(s)");
  }

  @Test
  void validateOfAMissingFileExits2() {
    assertThat(run("validate", "--config", dir.resolve("none.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("it does not exist");
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("run", "validate");
  }
}
