package io.fleetrotate.coordinator.cluster;

import static io.fleetrotate.coordinator.cluster.ClusterCatchUpTest.backDated;
import static io.fleetrotate.coordinator.cluster.ClusterCatchUpTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Hazelcast;
import io.fleetrotate.coordinator.config.CoordinatorConfig.SplitBrain;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real split brain: two coordinators on the embedded store, one Hazelcast cluster on loopback,
 * cut apart by nftables (their members' traffic dropped, as a cut cable would). Each side goes on
 * alone and takes events from agents over HTTP; once the network heals the clusters merge, and each
 * member's store holds exactly the union: every event once, on both.
 */
class ClusterSplitBrainTest {
  /** Quick to split and to merge, for the test; Hazelcast's defaults take minutes. */
  static final SplitBrain QUICK =
      new SplitBrain(Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(3));

  final String clusterName = "split-brain-" + UUID.randomUUID();
  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<Coordinator> running = new ArrayList<>();
  LoopbackPartition partition;

  @AfterEach
  void stop() throws Exception {
    if (partition != null) {
      partition.close();
    }
    running.forEach(Coordinator::close);
  }

  @Test
  void afterASplitHealsBothMembersHoldExactlyTheUnionOfWhatEachSideTook() throws Exception {
    long started = System.nanoTime();
    int portA = Clusters.freePort();
    int portB = Clusters.freePort();
    partition = LoopbackPartition.between(List.of(portA, portB));
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    Coordinator a = Clusters.start(running, config(dirA, portA, members));
    Coordinator b = Clusters.start(running, config(dirB, portB, members));
    await().atMost(Duration.ofSeconds(30)).until(() -> members(a) == 2 && members(b) == 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> a.cluster().get().hazelcast().getPartitionService().isClusterSafe());

    // Together: what A takes reaches B through the relay.
    List<RotationEvent> together = backDated(300, Instant.now().minus(Duration.ofHours(5)));
    post(new Http(a.port()), together);
    await().atMost(Duration.ofSeconds(20)).until(() -> b.history().size() == 300);

    partition.cut();
    await().atMost(Duration.ofSeconds(30)).until(() -> members(a) == 1 && members(b) == 1);

    // Apart: each side takes its own agents' events; A's span several hours and more than a page.
    List<RotationEvent> onlyA = backDated(1_500, Instant.now().minus(Duration.ofHours(3)));
    List<RotationEvent> onlyB = backDated(700, Instant.now().minus(Duration.ofMinutes(40)));
    post(new Http(a.port()), onlyA);
    post(new Http(b.port()), onlyB);
    assertThat(a.history().size()).as("A alone").isEqualTo(300 + 1_500);
    assertThat(b.history().size()).as("B alone").isEqualTo(300 + 700);

    partition.heal();
    await().atMost(Duration.ofSeconds(40)).until(() -> members(a) == 2 && members(b) == 2);
    Set<UUID> union = new HashSet<>();
    for (List<RotationEvent> part : List.of(together, onlyA, onlyB)) {
      part.forEach(e -> union.add(e.eventId()));
    }
    // Within a catch-up's first call timeout and a retry: an exchange sent to a member while it
    // merges may go unanswered, and is then retried (ClusterSync.CALL_TIMEOUT).
    await()
        .atMost(ClusterSync.CALL_TIMEOUT.plusSeconds(20))
        .until(() -> a.history().size() == union.size() && b.history().size() == union.size());

    for (Coordinator c : List.of(a, b)) {
      List<UUID> ids = exportedIds(c);
      assertThat(ids).as("no event doubled on :%d", c.port()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(ids)).as("the union on :%d", c.port()).isEqualTo(union);
    }
    // Counted once each, as received: the fleet state of both agrees.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.fleet().lastDay().attempts() == b.fleet().lastDay().attempts());
    assertThat(a.fleet().lastDay().attempts()).isEqualTo(union.size());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    System.out.printf(
        "split, apart, healed and merged in %d ms; failed catch-ups (retried): A %.0f, B %.0f%n",
        took.toMillis(),
        Clusters.metric(a, "fleetrotate_catch_up_failures_total"),
        Clusters.metric(b, "fleetrotate_catch_up_failures_total"));
    assertThat(took).isLessThan(Duration.ofSeconds(90));
  }

  private static int members(Coordinator c) {
    return c.cluster().get().members();
  }

  private static List<UUID> exportedIds(Coordinator c) {
    Http.Response r = new Http(c.port()).get("/api/v1/rotations/export?format=json", Http.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonArray events = r.array();
    List<UUID> ids = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      ids.add(UUID.fromString(((JsonObject) events.getValue(i)).getString("eventId")));
    }
    return ids;
  }

  private CoordinatorConfig config(Path dir, int port, List<String> members) {
    CoordinatorConfig c = TestCoordinators.config(dir);
    return TestCoordinators.withHazelcast(
        c,
        new Hazelcast(
            true,
            port,
            members,
            clusterName,
            Hazelcast.LOOPBACK,
            CoordinatorConfig.Relay.DEFAULTS,
            QUICK));
  }
}
