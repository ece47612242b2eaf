package io.fleetrotate.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.AgentSpec;
import io.fleetrotate.chaos.fleet.CoordinatorNode;
import io.fleetrotate.chaos.fleet.Fleet;
import io.fleetrotate.chaos.fleet.LockSpec;
import io.fleetrotate.chaos.fleet.Rotation;
import io.fleetrotate.chaos.fleet.TestFleets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: {@code rotate_now} asked of the coordinator's MCP endpoint reaches a real agent process
 * and is run exactly once; its dry run changes nothing. The MCP messages are JSON-RPC over
 * streamable HTTP, as any MCP client sends them (the SDK clients themselves are driven against the
 * coordinator in its own module's tests).
 */
class McpRotateNowFleetTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger ids = new AtomicInteger();

  @Test
  void aConfirmedRotateNowIsRunOnceByTheRealAgentAndADryRunChangesNothing() throws Exception {
    Fleet fleet = Fleet.open(TestFleets.runDir("mcp-rotate-now"), TestFleets.jars());
    try (fleet) {
      CoordinatorNode coordinator = fleet.addCoordinator("coordinator", false).start();
      coordinator.awaitReady(Duration.ofMinutes(2));
      AgentNode agent =
          fleet
              .addAgent(
                  AgentSpec.of("node-1")
                      .reportingTo(coordinator)
                      .lock(LockSpec.local())
                      .checkInterval(Duration.ofSeconds(1))
                      .heartbeat(Duration.ofSeconds(1))
                      .maxSize("1GiB")
                      .keep(100)
                      .rate(100))
              .start();
      agent.awaitReady(Duration.ofMinutes(2));
      await("the agent's first heartbeat")
          .atMost(Duration.ofSeconds(30))
          .until(() -> coordinator.api().nodes().toString().contains("node-1"));
      String admin = fleet.tokens().admin();
      String path = agent.paths().log().toString();
      URI mcp = coordinator.url().resolve("/mcp");
      call(mcp, admin, "initialize", initializeParams());

      JsonNode dry = tool(mcp, admin, "rotate_now", Map.of("node", "node-1", "path", path));
      assertThat(dry.path("structuredContent").path("dryRun").asBoolean()).isTrue();
      await("three heartbeats pass and a dry run has queued nothing")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> manual(coordinator, path).isEmpty());
      assertThat(agent.backups()).isEmpty();

      JsonNode queued =
          tool(mcp, admin, "rotate_now", Map.of("node", "node-1", "path", path, "confirm", true));
      assertThat(queued.path("isError").asBoolean(false)).as(queued.toString()).isFalse();
      await("the agent runs the command and reports it")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> manual(coordinator, path).size() == 1);
      await("five more heartbeats pass and the command does not come back")
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(8))
          .until(() -> manual(coordinator, path).size() == 1);
      List<Rotation> rotations = manual(coordinator, path);
      assertThat(rotations).hasSize(1);
      assertThat(rotations.get(0).succeeded()).as(rotations.toString()).isTrue();
      assertThat(agent.backups()).hasSize(1);
    }
  }

  private static List<Rotation> manual(CoordinatorNode coordinator, String path) {
    return coordinator.api().rotations().stream()
        .filter(r -> r.node().equals("node-1") && r.path().equals(path))
        .filter(r -> r.trigger().equals("MANUAL"))
        .toList();
  }

  private static Map<String, Object> initializeParams() {
    return Map.of(
        "protocolVersion",
        "2025-06-18",
        "capabilities",
        Map.of(),
        "clientInfo",
        Map.of("name", "McpRotateNowFleetTest", "version", "1"));
  }

  private JsonNode tool(URI mcp, String token, String name, Map<String, Object> args)
      throws Exception {
    return call(mcp, token, "tools/call", Map.of("name", name, "arguments", args));
  }

  /** One JSON-RPC request; its result (an error fails the test with the server's message). */
  private JsonNode call(URI mcp, String token, String method, Map<String, Object> params)
      throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "jsonrpc", "2.0", "id", ids.incrementAndGet(), "method", method, "params", params));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(mcp)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + ": " + r.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.has("error")).as(method + ": " + r.body()).isFalse();
    return answer.path("result");
  }
}
