package io.fleetrotate.coordinator.cluster;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator whose Hazelcast member is gone (terminated, as a crash of the member or an
 * out-of-memory shutdown of its threads leaves it) while its HTTP API still serves: no route
 * answers 500. What needs the cluster (alert states, pending commands) answers 503 with Retry-After
 * and one sentence; what does not (history, heartbeats, events in the local store, the scrape)
 * still answers.
 */
class ClusterUnavailableTest {
  @TempDir Path dir;
  final List<Coordinator> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(Coordinator::close);
  }

  @Test
  void aLostClusterIsAnswered503WithRetryAfterOnEveryRouteThatNeedsItAnd500Nowhere()
      throws Exception {
    int port = Clusters.freePort();
    Coordinator c =
        Clusters.start(
            running,
            TestCoordinators.withHazelcast(
                TestCoordinators.config(dir), port, List.of("127.0.0.1:" + port)));
    Http http = new Http(c.port());
    Instant now = Instant.now();
    assertThat(http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", now, 0.99)).status())
        .isEqualTo(200);
    c.alerts().evaluate();
    assertThat(http.get("/api/v1/alerts", ADMIN).json().getJsonArray("firing")).hasSize(1);

    c.cluster().get().terminate();

    Http.Response alerts = http.get("/api/v1/alerts", ADMIN);
    assertThat(alerts.status()).as(alerts.toString()).isEqualTo(503);
    assertThat(alerts.header("retry-after")).isEqualTo("5");
    assertThat(alerts.json().getString("error"))
        .isEqualTo(
            "the coordinator cannot reach its cluster (Hazelcast) right now; retry after the"
                + " Retry-After seconds");

    Map<String, Http.Response> answers = new LinkedHashMap<>();
    answers.put("GET /api/v1/fleet", http.get("/api/v1/fleet", ADMIN));
    answers.put("GET /api/v1/nodes/n1", http.get("/api/v1/nodes/n1", ADMIN));
    answers.put("GET /api/v1/nodes", http.get("/api/v1/nodes", ADMIN));
    answers.put("POST rotate", http.post("/api/v1/nodes/n1/rotate", ADMIN, "{}"));
    answers.put(
        "POST heartbeat",
        http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", now.plusSeconds(15), 0.5)));
    answers.put(
        "POST events",
        http.post(
            "/api/v1/events",
            AGENT,
            Wire.eventsJson(List.of(Wire.event("n1", Result.SUCCESS, now)))));
    answers.put("GET /api/v1/rotations", http.get("/api/v1/rotations", ADMIN));
    answers.put(
        "GET /api/v1/rotations/export", http.get("/api/v1/rotations/export?format=csv", ADMIN));
    answers.put("GET /api/v1/groups", http.get("/api/v1/groups", ADMIN));
    answers.put("GET /api/v1/advice", http.get("/api/v1/advice", ADMIN));
    answers.put("GET /metrics", http.get("/metrics", ADMIN));
    answers.put("GET /health", http.get("/health", ADMIN));
    answers.forEach(
        (route, r) -> {
          assertThat(r.status()).as(route + ": " + r).isNotEqualTo(500);
          if (r.status() == 503) {
            assertThat(r.header("retry-after")).as(route).isEqualTo("5");
            assertThat(r.json().getString("error")).as(route).contains("cluster (Hazelcast)");
          }
        });
    // Each needs the cluster: its alert states, or its pending commands.
    for (String route : List.of("GET /api/v1/fleet", "GET /api/v1/nodes/n1", "POST rotate")) {
      assertThat(answers.get(route).status()).as(route).isEqualTo(503);
    }
    // Each does not: the local store and fleet state answer.
    for (String route :
        List.of(
            "POST heartbeat",
            "POST events",
            "GET /api/v1/rotations",
            "GET /api/v1/rotations/export",
            "GET /api/v1/groups",
            "GET /api/v1/advice",
            "GET /metrics",
            "GET /health")) {
      assertThat(answers.get(route).status()).as(route).isEqualTo(200);
    }
    assertThat(answers.get("GET /health").json().getJsonObject("cluster").getBoolean("available"))
        .isFalse();
    assertThat(answers.get("GET /metrics").body())
        .contains("fleetrotate_node_disk_used_ratio{node=\"n1\"")
        .doesNotContain("fleetrotate_alerts_firing{");

    // The MCP tool that reads the alerts says the same sentence, as a JSON-RPC error.
    HttpResponse<String> mcp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + "/mcp"))
                    .timeout(Duration.ofSeconds(30))
                    .header("authorization", "Bearer " + ADMIN)
                    .header("content-type", "application/json")
                    .header("accept", "application/json, text/event-stream")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                                + "{\"name\":\"fleet_summary\",\"arguments\":{}}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(mcp.statusCode()).as(mcp.body()).isEqualTo(200);
    assertThat(mcp.body()).contains("cluster (Hazelcast)").doesNotContain("internal error");
  }
}
