package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReopenConfigTest {
  @TempDir Path dir;

  private ReopenConfig reopen(String flowMapping) throws ConfigException {
    return ConfigFiles.load(dir, ConfigFiles.ONE_FILE + "    reopen: " + flowMapping + "\n")
        .files()
        .get(0)
        .reopen();
  }

  private ConfigError reopenError(String flowMapping) {
    return ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    reopen: " + flowMapping + "\n");
  }

  @Test
  void everyMethodReadsIntoItsRecordWithDefaults() throws Exception {
    assertThat(reopen("{ method: signal, pid: 4242 }"))
        .isEqualTo(new ReopenConfig.Signal("HUP", OptionalLong.of(4242), Optional.empty()));
    assertThat(reopen("{ method: signal, signal: SIGUSR1, pidFile: /run/app.pid }"))
        .isEqualTo(
            new ReopenConfig.Signal(
                "USR1", OptionalLong.empty(), Optional.of(Path.of("/run/app.pid"))));
    assertThat(reopen("{ method: http, url: \"http://127.0.0.1:8080/reopen\" }"))
        .isEqualTo(
            new ReopenConfig.Http(
                URI.create("http://127.0.0.1:8080/reopen"), "POST", Duration.ofSeconds(10)));
    assertThat(
            reopen("{ method: http, url: \"https://app/reopen\", httpMethod: put, timeout: 2s }"))
        .isEqualTo(
            new ReopenConfig.Http(URI.create("https://app/reopen"), "PUT", Duration.ofSeconds(2)));
    assertThat(reopen("{ method: command, command: [/usr/bin/appctl, reopen] }"))
        .isEqualTo(
            new ReopenConfig.Command(List.of("/usr/bin/appctl", "reopen"), Duration.ofSeconds(30)));
    assertThat(reopen("{ method: copytruncate }")).isEqualTo(new ReopenConfig.CopyTruncate());
    assertThat(reopen("{ method: collapse }")).isEqualTo(new ReopenConfig.Collapse());
    assertThat(reopen("{ method: none }").methodName()).isEqualTo("none");
  }

  @Test
  void eachRecordNamesTheMethodItIsReadFrom() throws Exception {
    for (String method : List.of("copytruncate", "collapse", "none")) {
      assertThat(reopen("{ method: " + method + " }").methodName()).isEqualTo(method);
    }
    assertThat(reopen("{ method: signal, pid: 4242 }").methodName()).isEqualTo("signal");
    assertThat(reopen("{ method: http, url: \"http://a/r\" }").methodName()).isEqualTo("http");
    assertThat(reopen("{ method: command, command: [/bin/true] }").methodName())
        .isEqualTo("command");
  }

  @Test
  void signalWithoutPidOrPidFileIsAnError() {
    ConfigError error = reopenError("{ method: signal, signal: HUP }");

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.keyPath()).isEqualTo("files[0].reopen");
    assertThat(error.message())
        .isEqualTo(
            "method signal needs the process to signal; set pidFile (e.g."
                + " /var/run/mcp-server.pid) or pid");
  }

  @Test
  void pidOneIsRefusedAsTheInitProcess() {
    ConfigError error = reopenError("{ method: signal, pid: 1 }");

    assertThat(error.keyPath()).isEqualTo("files[0].reopen.pid");
    assertThat(error.message()).contains("1 is the init process, never the MCP server");
  }

  @Test
  void signalWithBothPidAndPidFileIsAnError() {
    ConfigError error = reopenError("{ method: signal, pid: 12, pidFile: /run/app.pid }");

    assertThat(error.keyPath()).isEqualTo("files[0].reopen.pidFile");
    assertThat(error.message()).isEqualTo("set only one of pid and pidFile: the process to signal");
  }

  @Test
  void keysOfAnotherMethodAreRefusedNamingTheirMethod() {
    ConfigError error = reopenError("{ method: copytruncate, pidFile: /run/app.pid }");

    assertThat(error.keyPath()).isEqualTo("files[0].reopen.pidFile");
    assertThat(error.message())
        .isEqualTo("applies only to method signal, not copytruncate; remove it");
  }

  @Test
  void reopenSectionWithoutMethodIsAnErrorNotACopytruncate() {
    ConfigError error = reopenError("{ signal: HUP, pidFile: /run/app.pid }");

    assertThat(error.keyPath()).isEqualTo("files[0].reopen.method");
    assertThat(error.message())
        .isEqualTo("missing; write one of collapse, command, copytruncate, http, none, signal");
  }

  @Test
  void commandMustBeAnArgvListAndHttpNeedsAUrl() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            files:
              - path: /var/log/a.log
                reopen: { method: command, command: "kill -HUP 12" }
              - path: /var/log/b.log
                reopen: { method: http, timeout: 0s }
              - path: /var/log/c.log
                reopen: { method: signal, signal: KILL, pid: -1 }
            """);

    assertThat(errors)
        .extracting(ConfigError::line, ConfigError::keyPath)
        .containsExactly(
            tuple(3, "files[0].reopen.command"),
            tuple(5, "files[1].reopen.url"),
            tuple(5, "files[1].reopen.timeout"),
            tuple(7, "files[2].reopen.signal"),
            tuple(7, "files[2].reopen.pid"));
    assertThat(errors.get(0).message())
        .startsWith("must be a list of the program and its arguments")
        .endsWith("not the value \"kill -HUP 12\"");
    assertThat(errors.get(3).message()).startsWith("\"KILL\" is not a signal to reopen on");
  }
}
