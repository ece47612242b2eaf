package io.fleetrotate.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.chaos.check.RotationChecks;
import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.AgentSpec;
import io.fleetrotate.chaos.fleet.CoordinatorNode;
import io.fleetrotate.chaos.fleet.Fleet;
import io.fleetrotate.chaos.fleet.LockSpec;
import io.fleetrotate.chaos.fleet.PrometheusText;
import io.fleetrotate.chaos.fleet.Rotation;
import io.fleetrotate.chaos.fleet.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: the coordinator is killed (SIGKILL) for 30 s while the agents keep rotating (their lock
 * is local, so it does not depend on the coordinator); restarted on the same store, it receives
 * every rotation the agents made exactly once, from their outboxes.
 */
class OutboxReplayTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void everyRotationMadeDuringACoordinatorOutageArrivesExactlyOnce() {
    Fleet fleet = Fleet.open(TestFleets.runDir("outbox-replay"), TestFleets.jars());
    try (fleet) {
      CoordinatorNode coordinator = fleet.addCoordinator("coordinator", false).start();
      coordinator.awaitReady(Duration.ofMinutes(2));
      List<AgentNode> agents = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        agents.add(
            fleet
                .addAgent(
                    AgentSpec.of("node-" + i)
                        .reportingTo(coordinator)
                        .lock(LockSpec.local())
                        .checkInterval(Duration.ofSeconds(1))
                        .heartbeat(Duration.ofSeconds(1))
                        .maxSize("64KiB")
                        .keep(1000)
                        .rate(250))
                .start());
      }
      agents.forEach(a -> a.awaitReady(Duration.ofMinutes(2)));
      await("every node's rotations reach the coordinator")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  RotationChecks.countByNode(coordinator.api().rotations(), true).values().stream()
                          .filter(n -> n >= 2)
                          .count()
                      == 3);

      coordinator.process().kill();
      Instant down = Instant.now();
      Map<String, Long> pendingDuringOutage = new HashMap<>();
      await("a 30 s outage during which every agent keeps rotating into its outbox")
          .atMost(OUTAGE.plusSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                agents.forEach(a -> pendingDuringOutage.put(a.nodeId(), a.outboxFiles()));
                return Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0
                    && pendingDuringOutage.values().stream().allMatch(n -> n >= 3);
              });
      assertThat(agents).allMatch(a -> a.process().isAlive());
      coordinator.process().start();
      Instant up = Instant.now();
      coordinator.awaitReady(Duration.ofMinutes(2));

      // No more writes, so rotations stop; then wait for every outbox to drain and every count to
      // settle (two polls 3 s apart that agree).
      agents.forEach(a -> a.mcpServer().orElseThrow().stop(Duration.ofSeconds(10)));
      Map<String, Long> last = new HashMap<>();
      await("the outboxes drain and the counts settle")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(3))
          .until(
              () -> {
                Map<String, Long> now = new HashMap<>();
                for (AgentNode a : agents) {
                  now.put(a.nodeId(), a.rotationsCounted().orElse(-1L));
                  now.put(a.nodeId() + " outbox", a.outboxFiles());
                }
                now.put("history", (long) coordinator.api().rotations().size());
                boolean settled =
                    now.equals(last) && agents.stream().allMatch(a -> a.outboxFiles() == 0);
                last.clear();
                last.putAll(now);
                return settled;
              });

      List<Rotation> history = coordinator.api().rotations(50); // several pages
      assertThat(RotationChecks.duplicateEventIds(history)).isEmpty();
      Map<String, Long> all = RotationChecks.countByNode(history, false);
      Map<String, Long> ok = RotationChecks.countByNode(history, true);
      String metrics = coordinator.api().metrics().orElseThrow();
      for (AgentNode a : agents) {
        String n = a.nodeId();
        assertThat(all.get(n))
            .as("%s: the coordinator's history has every rotation the agent counted", n)
            .isEqualTo(a.rotationsCounted().orElseThrow());
        assertThat((long) a.backups().size())
            .as("%s: one rotation in the history per backup on disk", n)
            .isBetween(ok.get(n), ok.get(n) + mayHaveLeftABackup(history, n));
        assertThat(
                (long)
                    PrometheusText.sum(
                        metrics, "fleetrotate_rotations_total", l -> n.equals(l.get("node"))))
            .as("%s: fleetrotate_rotations_total agrees with the history", n)
            .isEqualTo(all.get(n));
        assertThat(a.rejectedFiles()).as("%s: nothing refused", n).isZero();
        assertThat(
                history.stream()
                    .filter(r -> r.node().equals(n))
                    .filter(r -> r.finishedAt().isAfter(down) && r.finishedAt().isBefore(up))
                    .count())
            .as("%s: rotations made while the coordinator was down were replayed", n)
            .isGreaterThanOrEqualTo(3);
      }
      System.out.printf(
          "outbox replay: %d rotations (%s), outboxes during the outage %s%n",
          history.size(), all, pendingDuringOutage);
    }
    assertThat(fleet.livePids()).as("every process stopped").isEmpty();
  }

  /**
   * Failed rotations that may have left a backup: when the MCP servers stop at the end, an agent
   * may still find a file over its size. The agent checks the reopen target before it moves the
   * log, so a server already gone leaves the log in place (REOPEN_FAILED, no backup); one that
   * stops between that check and the signal leaves the moved, uncompressed backup (REOPEN_FAILED
   * too).
   */
  static long mayHaveLeftABackup(List<Rotation> history, String node) {
    return history.stream()
        .filter(r -> r.node().equals(node) && "REOPEN_FAILED".equals(r.reason()))
        .count();
  }
}
