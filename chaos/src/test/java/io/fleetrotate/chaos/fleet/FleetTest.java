package io.fleetrotate.chaos.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness itself: faults reach the right process, and close leaves nothing running. */
class FleetTest {

  @Test
  void killRestartAndPauseReachTheProcessAndCloseStopsEvenAPausedOne() throws Exception {
    Fleet fleet = Fleet.open(TestFleets.runDir("fleet"), TestFleets.jars());
    AgentNode solo;
    try (fleet) {
      solo =
          fleet
              .addAgent(
                  AgentSpec.of("solo")
                      .checkInterval(Duration.ofSeconds(1))
                      .maxSize("32KiB")
                      .rate(500))
              .start()
              .awaitReady(Duration.ofMinutes(1));
      assertThat(Files.readString(solo.paths().config()))
          .contains("http: { bind: 127.0.0.1, port: ")
          .contains("reopen: { method: signal, signal: HUP, pidFile: ")
          .doesNotContain("coordinator:");
      await("a standalone rotation")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !solo.backups().isEmpty());

      long first = solo.process().pid();
      solo.process().restart(true);
      assertThat(ProcessHandle.of(first)).isEmpty();
      assertThat(solo.process().pid()).isNotEqualTo(first);
      assertThat(solo.process().starts()).isEqualTo(2);
      solo.awaitReady(Duration.ofMinutes(1));

      ManagedProcess server = solo.mcpServer().orElseThrow();
      server.pause();
      assertThat(server.isPaused()).isTrue();
      server.resume();
      assertThat(server.isPaused()).isFalse();

      solo.process().pause();
      assertThat(solo.process().isPaused()).isTrue();
      assertThat(fleet.livePids()).hasSize(2);
      assertThat(Files.readString(fleet.runDir().resolve("pids.txt")))
          .contains(solo.process().pid() + " solo")
          .contains(server.pid() + " solo-mcp-server");
    }
    assertThat(fleet.pids()).hasSize(3);
    assertThat(fleet.livePids()).as("close stopped everything, the paused agent too").isEmpty();
    // 143: the JVM ended on SIGTERM after its shutdown hooks (137 would mean it needed SIGKILL).
    assertThat(solo.process().exitCode()).as("the agent stopped on SIGTERM").contains(143);
  }
}
