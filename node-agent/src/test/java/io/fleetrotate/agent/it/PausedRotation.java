package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code rotate --now} process under {@link HookedAgentMain}, stopped right after one journal
 * step (the marker it leaves in the journal directory says it got there), to be SIGKILLed there.
 */
final class PausedRotation {
  private final Process process;
  private final Path marker;
  private final Path journalDir;

  private PausedRotation(Process process, Path marker, Path journalDir) {
    this.process = process;
    this.marker = marker;
    this.journalDir = journalDir;
  }

  /**
   * Starts the rotation of every file of {@code config} and waits until it is paused after {@code
   * step}; {@code jvmArgs} add to the pause ({@code -Dfleetrotate.test.pauseMillis=1} goes on).
   */
  static PausedRotation start(
      Path agentLog, Path config, Path stateDir, String step, String... jvmArgs) throws Exception {
    List<String> jvm = new ArrayList<>(List.of("-Dfleetrotate.test.pauseAfter=" + step));
    jvm.addAll(List.of(jvmArgs));
    Process agent =
        AgentProcess.start(agentLog, jvm, "rotate", "--config", config.toString(), "--now");
    Path journalDir = stateDir.resolve("journal");
    Path marker = journalDir.resolve("paused-after-" + step);
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker) || !agent.isAlive());
    assertThat(marker).as("agent paused after " + step + "; see " + agentLog).exists();
    return new PausedRotation(agent, marker, journalDir);
  }

  /** What the paused rotation's journal holds so far. */
  String journal() throws Exception {
    try (Stream<Path> files = Files.list(journalDir)) {
      return Files.readString(
          files.filter(p -> p.toString().endsWith(".journal")).findFirst().orElseThrow());
    }
  }

  /** SIGKILL; the marker goes, so that the recovery run is not taken for paused. */
  void kill() throws Exception {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Files.delete(marker);
  }

  /** Every rotation journaled under {@code stateDir} was finished or undone. */
  static void assertNoJournalLeft(Path stateDir) throws Exception {
    try (Stream<Path> journals = Files.list(stateDir.resolve("journal"))) {
      assertThat(journals.filter(p -> p.toString().endsWith(".journal"))).isEmpty();
    }
  }
}
