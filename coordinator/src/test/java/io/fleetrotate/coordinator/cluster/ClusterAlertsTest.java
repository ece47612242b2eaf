package io.fleetrotate.coordinator.cluster;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.WebhookReceiver;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered coordinators, both with the same webhook (a real HTTP server here counting what it
 * receives): each firing and each resolve is notified once by the cluster, also when the member
 * that fired is lost before the alert resolves.
 */
class ClusterAlertsTest {
  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<Coordinator> running = new ArrayList<>();
  WebhookReceiver webhook;

  @AfterEach
  void stop() {
    running.forEach(Coordinator::close);
    if (webhook != null) {
      webhook.close();
    }
  }

  @Test
  void eachFiringAndResolveIsNotifiedOnceByTheClusterThroughALeaderChange() throws Exception {
    webhook = new WebhookReceiver();
    List<Coordinator> pair =
        Clusters.startPair(
            running,
            (port, members) -> config(dirA, webhook.url(), port, members),
            (port, members) -> config(dirB, webhook.url(), port, members));
    Coordinator a = pair.get(0);
    Coordinator b = pair.get(1);
    Http httpA = new Http(a.port());
    Http httpB = new Http(b.port());

    // A full disk reported to A; B learns the node through the cluster.
    assertThat(
            httpA
                .post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", Instant.now(), 0.99))
                .status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> b.fleet().node("n1").isPresent());
    // Both evaluate (as their timers also do, every 10 s): only the cluster's one decision counts.
    for (int i = 0; i < 3; i++) {
      a.alerts().evaluate();
      b.alerts().evaluate();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> notices("fired") == 1);
    // B serves the same firing state as A, with the same start.
    assertThat(httpB.get("/api/v1/alerts", ADMIN).json().getJsonArray("firing"))
        .singleElement()
        .satisfies(
            j ->
                assertThat(((JsonObject) j).getString("since"))
                    .isEqualTo(a.alerts().firing().get(0).since().toString()));

    // The leader is lost; B leads, knows it was notified, and notifies the resolve once.
    Clusters.crash(running, a);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.cluster().get().isLeader());
    b.alerts().evaluate();
    assertThat(b.alerts().firing()).hasSize(1);
    assertThat(
            httpB
                .post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", Instant.now(), 0.10))
                .status())
        .isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      b.alerts().evaluate();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> notices("resolved") == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> notices("fired") == 1 && notices("resolved") == 1);
    assertThat(b.alerts().firing()).isEmpty();
  }

  /** Disk notices of n1 received, of one kind. */
  private long notices(String kind) {
    return webhook.received().stream()
        .filter(j -> j.getString("rule").equals("diskUsedRatio"))
        .filter(j -> j.getString("node").equals("n1"))
        .filter(j -> j.getString("kind").equals(kind))
        .count();
  }

  private static CoordinatorConfig config(Path dir, URI hook, int port, List<String> members) {
    return TestCoordinators.withHazelcast(
        TestCoordinators.withWebhooks(TestCoordinators.config(dir), List.of(hook)), port, members);
  }
}
