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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: two coordinators form a Hazelcast cluster, which is also the agents' lock service.
 * node-1 and node-2 report to A, node-3 to B. A is killed (SIGKILL): B still serves every rotation
 * A had received (shared through the cluster), the lease survives on B (no two rotations of the
 * group at once, fencing tokens keep rising), node-3 keeps reporting, and node-1 and node-2,
 * restarted with B's URL, deliver what their outboxes held; in the end B's history has every
 * rotation once.
 */
class CoordinatorFailoverTest {

  @Test
  void theSurvivingCoordinatorServesTheWholeHistoryAndTheLeaseSurvives() {
    Fleet fleet = Fleet.open(TestFleets.runDir("coordinator-failover"), TestFleets.jars());
    try (fleet) {
      CoordinatorNode a = fleet.addCoordinator("coordinator-a", true);
      CoordinatorNode b = fleet.addCoordinator("coordinator-b", true);
      a.clusterWith(b).start();
      b.clusterWith(a).start();
      a.awaitReady(Duration.ofMinutes(2), 2);
      b.awaitReady(Duration.ofMinutes(2), 2);

      LockSpec lock = LockSpec.hazelcast(List.of(a, b)).lease(Duration.ofSeconds(10));
      List<AgentNode> agents = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        agents.add(
            fleet
                .addAgent(
                    AgentSpec.of("node-" + i)
                        .reportingTo(i < 3 ? a : b)
                        .lock(lock)
                        .checkInterval(Duration.ofSeconds(1))
                        .heartbeat(Duration.ofSeconds(1))
                        .maxSize("64KiB")
                        .keep(1000)
                        .rate(250))
                .start());
      }
      agents.forEach(n -> n.awaitReady(Duration.ofMinutes(2)));
      AgentNode node1 = agents.get(0);
      AgentNode node2 = agents.get(1);

      await("each coordinator receives rotations from its agents")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                Map<String, Long> onA = RotationChecks.countByNode(a.api().rotations(), true);
                Map<String, Long> onB = RotationChecks.countByNode(b.api().rotations(), true);
                return onA.getOrDefault("node-1", 0L) >= 2
                    && onA.getOrDefault("node-2", 0L) >= 2
                    && onB.getOrDefault("node-3", 0L) >= 2;
              });
      // What A holds, once B has it too (the cluster shares it asynchronously).
      Set<String>[] onA = new Set[1];
      await("B holds every rotation A received")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                onA[0] = ids(a.api().rotations());
                return ids(b.api().rotations()).containsAll(onA[0]);
              });

      a.process().kill();
      Instant killed = Instant.now();
      assertThat(ids(b.api().rotations()))
          .as("B serves what A had received, after A's death")
          .containsAll(onA[0]);

      // node-3 keeps rotating under a lease now served by B alone, and reporting to B.
      await("node-3 rotates and reports after A's death")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> rotationsAfter(b, "node-3", killed) >= 3);

      // The operator points node-1 and node-2 at B; their outboxes hold what A never received.
      for (AgentNode n : List.of(node1, node2)) {
        n.reconfigure(n.spec().reportingTo(b));
        n.process().restart(false);
        n.awaitReady(Duration.ofMinutes(1));
      }
      await("node-1 and node-2 report to B")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  rotationsAfter(b, "node-1", killed) >= 2
                      && rotationsAfter(b, "node-2", killed) >= 2);

      agents.forEach(n -> n.mcpServer().orElseThrow().stop(Duration.ofSeconds(10)));
      Map<String, Long> last = new HashMap<>();
      await("the outboxes drain and the history settles")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(3))
          .until(
              () -> {
                Map<String, Long> now = new HashMap<>();
                agents.forEach(n -> now.put(n.nodeId(), n.outboxFiles()));
                now.put("history", (long) b.api().rotations().size());
                boolean settled =
                    now.equals(last) && agents.stream().allMatch(n -> n.outboxFiles() == 0);
                last.clear();
                last.putAll(now);
                return settled;
              });

      List<Rotation> history = b.api().rotations(100);
      assertThat(RotationChecks.duplicateEventIds(history)).isEmpty();
      assertThat(RotationChecks.overlaps(history))
          .as("one rotation of the group at a time")
          .isEmpty();
      assertThat(RotationChecks.fencingOrder(history)).isEmpty();
      assertThat(history).allSatisfy(r -> assertThat(r.lockBackend()).isEqualTo("hazelcast"));
      Map<String, Long> ok = RotationChecks.countByNode(history, true);
      Map<String, Long> all = RotationChecks.countByNode(history, false);
      String metrics = b.api().metrics().orElseThrow();
      for (AgentNode n : agents) {
        assertThat((long) n.backups().size())
            .as("%s: one rotation on B per backup on disk", n.nodeId())
            .isBetween(
                ok.get(n.nodeId()),
                ok.get(n.nodeId()) + OutboxReplayTest.mayHaveLeftABackup(history, n.nodeId()));
        assertThat(
                (long)
                    PrometheusText.sum(
                        metrics,
                        "fleetrotate_rotations_total",
                        l -> n.nodeId().equals(l.get("node"))))
            .as("%s: B's fleetrotate_rotations_total agrees with its history", n.nodeId())
            .isEqualTo(all.get(n.nodeId()));
      }
      System.out.printf(
          "coordinator failover: %d rotations on B (%s), %d of them received by A before its"
              + " death%n",
          history.size(), ok, onA[0].size());
    }
    assertThat(fleet.livePids()).as("every process stopped").isEmpty();
  }

  private static Set<String> ids(List<Rotation> history) {
    return history.stream().map(Rotation::eventId).collect(Collectors.toSet());
  }

  private static long rotationsAfter(CoordinatorNode c, String node, Instant t) {
    return c.api().rotations().stream()
        .filter(r -> r.node().equals(node) && r.succeeded() && r.startedAt().isAfter(t))
        .count();
  }
}
