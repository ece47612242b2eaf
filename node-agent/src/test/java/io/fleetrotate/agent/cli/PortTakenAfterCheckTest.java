package io.fleetrotate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.rotate.StepListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The race the start-up check cannot close: the agent's HTTP port is free when {@code run} checks
 * it and taken (a real socket) before the daemon binds it. The daemon's bind failure is the check's
 * sentence and exit code 2, not a stack trace.
 */
class PortTakenAfterCheckTest {
  @TempDir Path dir;
  private final AtomicReference<ServerSocket> taken = new AtomicReference<>();

  @AfterEach
  void release() throws IOException {
    if (taken.get() != null) {
      taken.get().close();
    }
  }

  @Test
  void aPortTakenBetweenTheCheckAndTheBindIsTheSameSentenceAndExit2() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Files.createDirectories(dir.resolve("logs"));
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: port-race, group: g }
            stateDir: %s
            http: { bind: 127.0.0.1, port: %d }
            files:
              - path: %s
                trigger: { maxSize: 1MiB }
            """
                .formatted(dir.resolve("state"), port, dir.resolve("logs/app.log")));
    // The lock is opened after the check and before the daemon binds: take the port there.
    AgentHooks takesThePort =
        new AgentHooks(
            Clock.systemDefaultZone(),
            lock -> {
              try {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                taken.set(s);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return lock;
            },
            StepListener.NONE);
    CommandLine cli = new CommandLine(new RunCommand(takesThePort));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("--config", config.toString());

    assertThat(taken.get()).as("the port was taken after the check").isNotNull();
    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            config
                + ": http.port "
                + port
                + " is already in use on 127.0.0.1; stop the process listening there or set"
                + " another http.port."
                + System.lineSeparator());
  }
}
