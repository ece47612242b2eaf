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
import io.fleetrotate.coordinator.config.CoordinatorConfig.Postgres;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Store;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.testsupport.ManagedPostgres;
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two coordinators in one JVM, each with its own Hazelcast member and store, on loopback. */
class TwoCoordinatorsTest {
  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<Coordinator> running = new ArrayList<>();

  ManagedPostgres postgres;

  @AfterEach
  void stop() {
    running.forEach(Coordinator::close);
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void historyAndNodesPostedToOneAreServedByTheOtherAndSurviveItsLoss() throws Exception {
    List<Coordinator> pair = startPair();
    Coordinator a = pair.get(0);
    Coordinator b = pair.get(1);
    Http httpA = new Http(a.port());
    Http httpB = new Http(b.port());

    List<RotationEvent> events = postThirtyEvents(httpA);
    assertThat(
            httpA
                .post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n0", Instant.now(), 0.4))
                .status())
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
    // Counted once on B too, though a catch-up may read again what B's listener stored.
    assertThat(b.fleet().lastHour().attempts()).isEqualTo(30);
    assertThat(httpB.get("/health", null).json().getJsonObject("cluster").getInteger("members"))
        .isEqualTo(2);
    // A duplicate posted to B is acked and not counted again.
    postFiveAgain(httpB, events);
    assertThat(b.history().size()).isEqualTo(30);

    // A crashes: B keeps the whole history and keeps accepting heartbeats and events.
    Clusters.crash(running, a);
    assertThat(httpB.get("/api/v1/rotations/export?format=json", ADMIN).array()).hasSize(30);
    assertThat(
            httpB
                .post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", Instant.now(), 0.5))
                .status())
        .isEqualTo(200);
    postOneEvent(httpB);
    assertThat(httpB.get("/api/v1/nodes", ADMIN).json().getInteger("count")).isEqualTo(2);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.cluster().get().isLeader());
  }

  @Test
  void aCommandQueuedOnOneIsHandedOverOnceByWhicheverTheNodeReaches() throws Exception {
    List<Coordinator> pair = startPair();
    Http httpA = new Http(pair.get(0).port());
    Http httpB = new Http(pair.get(1).port());
    assertThat(heartbeat(httpA, "n1")).isEmpty();

    Http.Response r =
        httpA.post("/api/v1/nodes/n1/rotate", ADMIN, "{\"path\": \"/var/log/mcp/server.log\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    String queued = r.json().getString("commandId");
    assertThat(pair.get(1).fleet().pendingCommands("n1")).isEqualTo(1);

    // The node's next heartbeat goes to B (a load balancer's choice): B hands the command over.
    JsonArray delivered = heartbeat(httpB, "n1");
    assertThat(delivered).hasSize(1);
    assertThat(delivered.getJsonObject(0).getString("commandId")).isEqualTo(queued);
    assertThat(delivered.getJsonObject(0).getString("type")).isEqualTo("ROTATE_NOW");
    assertThat(delivered.getJsonObject(0).getString("path")).isEqualTo("/var/log/mcp/server.log");
    // Once: neither coordinator hands it over again.
    assertThat(heartbeat(httpA, "n1")).isEmpty();
    assertThat(heartbeat(httpB, "n1")).isEmpty();
    assertThat(pair.get(0).fleet().pendingCommands("n1")).isZero();
  }

  @Test
  void thePendingLimitHoldsAcrossTheCluster() throws Exception {
    List<Coordinator> pair = startPair();
    Http httpA = new Http(pair.get(0).port());
    Http httpB = new Http(pair.get(1).port());
    heartbeat(httpA, "n1");
    heartbeat(httpB, "n1");
    for (int i = 0; i < FleetState.MAX_PENDING_COMMANDS; i++) {
      queue(i % 2 == 0 ? httpA : httpB, "n1");
    }

    Http.Response refusedA = httpA.post("/api/v1/nodes/n1/rotate", ADMIN, "{}");
    Http.Response refusedB = httpB.post("/api/v1/nodes/n1/rotate", ADMIN, "{}");

    assertThat(refusedA.status()).isEqualTo(409);
    assertThat(refusedB.status()).isEqualTo(409);
    assertThat(refusedB.json().getString("error"))
        .isEqualTo(
            "node n1 already has 100 pending commands; wait for its next heartbeat to collect them");
    assertThat(heartbeat(httpB, "n1")).hasSize(FleetState.MAX_PENDING_COMMANDS);
    assertThat(httpA.post("/api/v1/nodes/n1/rotate", ADMIN, "{}").status()).isEqualTo(202);
  }

  @Test
  void aCommandQueuedOnACoordinatorThatCrashesIsHandedOverByTheOther() throws Exception {
    List<Coordinator> pair = startPair();
    Coordinator a = pair.get(0);
    Http httpA = new Http(a.port());
    Http httpB = new Http(pair.get(1).port());
    heartbeat(httpA, "n1");
    String queued = queue(httpA, "n1");

    Clusters.crash(running, a);

    JsonArray delivered = heartbeat(httpB, "n1");
    assertThat(delivered).hasSize(1);
    assertThat(delivered.getJsonObject(0).getString("commandId")).isEqualTo(queued);
    assertThat(heartbeat(httpB, "n1")).isEmpty();
  }

  @Test
  void aCoordinatorThatRestartsAloneKeepsHistoryAndNodesFromItsDisk() throws Exception {
    int port = Clusters.freePort();
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

  @Test
  void onOnePostgresTheHistoryIsSharedThroughTheDatabaseAndSurvivesTheLossOfAMember()
      throws Exception {
    postgres = ManagedPostgres.start().orElse(null);
    Assumptions.assumeTrue(
        postgres != null, "no PostgreSQL: neither Docker's postgres:17 nor installed");
    Optional<Postgres> shared =
        Optional.of(
            new Postgres(postgres.jdbcUrl("postgres"), postgres.user(), postgres.password(), 2));
    List<Coordinator> pair = startPair(shared);
    Coordinator a = pair.get(0);
    Coordinator b = pair.get(1);
    Http httpA = new Http(a.port());
    Http httpB = new Http(b.port());

    List<RotationEvent> events = postThirtyEvents(httpA);
    // Served by B at once, from the database; no member's heap holds the history.
    assertThat(httpB.get("/api/v1/rotations?limit=100", ADMIN).json().getJsonArray("items"))
        .hasSize(30);
    assertThat(a.cluster().get().hazelcast().getMap(ClusterMember.EVENTS_MAP).size()).isZero();
    // B counts them once, from A's announcement.
    await().atMost(Duration.ofSeconds(30)).until(() -> b.fleet().lastHour().attempts() == 30);
    // A duplicate posted to B is acked, stored once and not counted again.
    postFiveAgain(httpB, events);
    assertThat(httpB.get("/api/v1/rotations/export?format=json", ADMIN).array()).hasSize(30);
    assertThat(b.fleet().lastHour().attempts()).isEqualTo(30);

    heartbeat(httpA, "n1");
    String queued = queue(httpA, "n1");
    Clusters.crash(running, a);

    assertThat(httpB.get("/api/v1/rotations/export?format=json", ADMIN).array()).hasSize(30);
    JsonArray delivered = heartbeat(httpB, "n1");
    assertThat(delivered).hasSize(1);
    assertThat(delivered.getJsonObject(0).getString("commandId")).isEqualTo(queued);
    assertThat(heartbeat(httpB, "n1")).isEmpty();
    postOneEvent(httpB);
    assertThat(httpB.get("/api/v1/rotations/export?format=json", ADMIN).array()).hasSize(31);
  }

  /** A and B, each with its own store, joined in one cluster. */
  private List<Coordinator> startPair() throws Exception {
    return startPair(Optional.empty());
  }

  /** A and B joined in one cluster, each with its own embedded store or both on {@code shared}. */
  private List<Coordinator> startPair(Optional<Postgres> shared) throws Exception {
    return Clusters.startPair(
        running,
        (port, members) -> clustered(dirA, shared, port, members),
        (port, members) -> clustered(dirB, shared, port, members));
  }

  private static CoordinatorConfig clustered(
      Path dir, Optional<Postgres> shared, int port, List<String> members) {
    CoordinatorConfig c =
        TestCoordinators.withHazelcast(TestCoordinators.config(dir), port, members);
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        c.auth(),
        c.hazelcast(),
        new Store(dir, c.store().retention(), shared),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  /** Posts 30 events of 3 nodes in the last half minute, 3 of them failed; returns them. */
  private static List<RotationEvent> postThirtyEvents(Http http) {
    Instant now = Instant.now();
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(
          Wire.event(
              "n" + (i % 3), i % 10 == 0 ? Result.FAILED : Result.SUCCESS, now.minusSeconds(i)));
    }
    assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status()).isEqualTo(200);
    return events;
  }

  /** Posts the first five of {@code events} again: each is acknowledged as a duplicate. */
  private static void postFiveAgain(Http http, List<RotationEvent> events) {
    Http.Response r = http.post("/api/v1/events", AGENT, Wire.eventsJson(events.subList(0, 5)));
    assertThat(r.json().getJsonArray("accepted")).hasSize(5);
  }

  private static void postOneEvent(Http http) {
    List<RotationEvent> one = List.of(Wire.event("n1", Result.SUCCESS, Instant.now()));
    assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(one)).status()).isEqualTo(200);
  }

  /** Sends a heartbeat of {@code node}; returns the commands of the reply. */
  private static JsonArray heartbeat(Http http, String node) {
    Http.Response r =
        http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson(node, Instant.now(), 0.4));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("commands");
  }

  /** Queues a rotate-now of every file of {@code node}; returns the command id. */
  private static String queue(Http http, String node) {
    Http.Response r = http.post("/api/v1/nodes/" + node + "/rotate", ADMIN, "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().getString("commandId");
  }

  private Coordinator start(CoordinatorConfig config) throws Exception {
    return Clusters.start(running, config);
  }
}
