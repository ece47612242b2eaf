package io.fleetrotate.coordinator.cluster;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two coordinators in one JVM, each with its own Hazelcast member and store, on loopback. */
class TwoCoordinatorsTest {
  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<Coordinator> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(Coordinator::close);
  }

  @Test
  void historyAndNodesPostedToOneAreServedByTheOtherAndSurviveItsLoss() throws Exception {
    int portA = freePort();
    int portB = freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    Coordinator a =
        start(TestCoordinators.withHazelcast(TestCoordinators.config(dirA), portA, members));
    Coordinator b =
        start(TestCoordinators.withHazelcast(TestCoordinators.config(dirB), portB, members));
    await().atMost(Duration.ofSeconds(60)).until(() -> a.cluster().get().members() == 2);
    Http httpA = new Http(a.port());
    Http httpB = new Http(b.port());

    Instant now = Instant.now();
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(
          Wire.event(
              "n" + (i % 3), i % 10 == 0 ? Result.FAILED : Result.SUCCESS, now.minusSeconds(i)));
    }
    assertThat(httpA.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status())
        .isEqualTo(200);
    assertThat(httpA.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n0", now, 0.4)).status())
        .isEqualTo(200);
    // Acknowledged means shared: the cluster already holds every acked event, without waiting.
    assertThat(b.cluster().get().hazelcast().getMap(ClusterMember.EVENTS_MAP).size()).isEqualTo(30);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                httpB.get("/api/v1/rotations?limit=100", ADMIN).json().getJsonArray("items").size()
                    == 30);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> httpB.get("/api/v1/nodes/n0", ADMIN).status() == 200);
    // Counted once on B too, though B also got them in the initial merge or the listener.
    assertThat(b.fleet().lastHour().attempts()).isEqualTo(30);
    assertThat(httpB.get("/health", null).json().getJsonObject("cluster").getInteger("members"))
        .isEqualTo(2);
    // A duplicate posted to B is acked and not counted again.
    assertThat(
            httpB
                .post("/api/v1/events", AGENT, Wire.eventsJson(events.subList(0, 5)))
                .json()
                .getJsonArray("accepted"))
        .hasSize(5);
    assertThat(b.history().size()).isEqualTo(30);

    // A crashes: B keeps the whole history and keeps accepting heartbeats and events.
    a.cluster().get().terminate();
    a.close();
    running.remove(a);
    assertThat(httpB.get("/api/v1/rotations/export?format=json", ADMIN).array()).hasSize(30);
    assertThat(
            httpB
                .post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", Instant.now(), 0.5))
                .status())
        .isEqualTo(200);
    assertThat(
            httpB
                .post(
                    "/api/v1/events",
                    AGENT,
                    Wire.eventsJson(List.of(Wire.event("n1", Result.SUCCESS, Instant.now()))))
                .status())
        .isEqualTo(200);
    assertThat(httpB.get("/api/v1/nodes", ADMIN).json().getInteger("count")).isEqualTo(2);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.cluster().get().isLeader());
  }

  @Test
  void aCoordinatorThatRestartsAloneKeepsHistoryAndNodesFromItsDisk() throws Exception {
    int port = freePort();
    CoordinatorConfig config =
        TestCoordinators.withHazelcast(
            TestCoordinators.config(dirA), port, List.of("127.0.0.1:" + port));
    RotationEvent e = Wire.event("n1", Result.SUCCESS, Instant.now());
    Coordinator first = start(config);
    Http http = new Http(first.port());
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", Instant.now(), 0.3));
    http.post("/api/v1/events", AGENT, Wire.eventsJson(List.of(e)));
    first.close();
    running.remove(first);

    Coordinator second = start(config);
    Http again = new Http(second.port());
    assertThat(again.get("/api/v1/rotations", ADMIN).json().getJsonArray("items")).hasSize(1);
    assertThat(again.get("/api/v1/nodes/n1", ADMIN).status()).isEqualTo(200);
  }

  private Coordinator start(CoordinatorConfig config) throws Exception {
    Coordinator c = Coordinator.start(config, Clock.systemUTC());
    running.add(c);
    return c;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
