package io.fleetrotate.coordinator.mcp;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.proto.Result;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP endpoint driven by the official Java SDK's client over real HTTP. */
class McpJavaClientTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final String VIEWER = "viewer-token-0123456789abcdef";

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;
  Http http;

  static CoordinatorConfig withViewer(CoordinatorConfig c) {
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        new CoordinatorConfig.Auth(
            c.auth().agentTokens(),
            c.auth().adminTokens(),
            true,
            Map.of(),
            List.of(),
            List.of(VIEWER)),
        c.hazelcast(),
        c.store(),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        CoordinatorConfig.Limits.DEFAULTS);
  }

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.start(withViewer(TestCoordinators.config(dir)), clock);
    http = new Http(coordinator.port());
    // Node n1 on a 95% full mount, two heartbeats ten minutes apart so its growth is measured.
    assertThat(http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.95)).status())
        .isEqualTo(200);
    clock.advance(Duration.ofMinutes(10));
    JsonObject grown = new JsonObject(Wire.heartbeatJson("n1", clock.instant(), 0.95));
    grown.getJsonArray("files").getJsonObject(0).put("sizeBytes", 1000 + 6_000_000);
    assertThat(http.post("/api/v1/heartbeats", AGENT, grown.encode()).status()).isEqualTo(200);
    assertThat(
            http.post(
                    "/api/v1/events",
                    AGENT,
                    Wire.eventsJson(List.of(Wire.event("n1", Result.FAILED, clock.instant()))))
                .status())
        .isEqualTo(200);
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  McpSyncClient client(String token) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + coordinator.port())
            .endpoint("/mcp")
            .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
            .requestBuilder(
                java.net.http.HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
            .build();
    McpSyncClient c =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(20))
            .jsonSchemaValidator(new McpSchemas(new ObjectMapper()))
            .build();
    c.initialize();
    return c;
  }

  static JsonObject structured(CallToolResult r) {
    assertThat(r.isError()).isNotEqualTo(Boolean.TRUE);
    return new JsonObject(FleetToolsJson.encode(r.structuredContent()));
  }

  static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  @Test
  void listsEveryToolAndEachAnswersAboutTheRealNode() {
    try (McpSyncClient c = client(ADMIN)) {
      assertThat(c.listTools().tools())
          .extracting(McpSchema.Tool::name)
          .containsExactlyInAnyOrder(
              "fleet_summary",
              "nodes_at_risk",
              "rotation_history",
              "explain_failures",
              "recommend_policy",
              "rotate_now");

      CallToolResult summary = c.callTool(new CallToolRequest("fleet_summary", Map.of()));
      assertThat(structured(summary).getJsonObject("nodes").getInteger("total")).isEqualTo(1);
      assertThat(
              structured(summary).getJsonArray("fullestDisks").getJsonObject(0).getString("node"))
          .isEqualTo("n1");
      assertThat(text(summary)).startsWith("1 nodes (1 up, 0 stale, 0 down); fullest disk: n1");

      CallToolResult risk =
          c.callTool(new CallToolRequest("nodes_at_risk", Map.of("hours", 24, "ratio", 0.9)));
      assertThat(structured(risk).getJsonArray("items").getJsonObject(0).getString("node"))
          .isEqualTo("n1");
      assertThat(structured(risk).getJsonArray("items").getJsonObject(0).getDouble("hoursLeft"))
          .isEqualTo(0.0);

      CallToolResult history =
          c.callTool(
              new CallToolRequest(
                  "rotation_history",
                  Map.of("node", "n1", "path", "/var/log/mcp/server.log", "limit", 5)));
      assertThat(structured(history).getJsonArray("items")).hasSize(1);
      assertThat(structured(history).getJsonArray("items").getJsonObject(0).getString("node"))
          .isEqualTo("n1");

      CallToolResult failures = c.callTool(new CallToolRequest("explain_failures", Map.of()));
      JsonObject reason = structured(failures).getJsonArray("reasons").getJsonObject(0);
      assertThat(reason.getString("reason")).isEqualTo("IO_ERROR");
      assertThat(reason.getJsonArray("nodes").getList()).containsExactly("n1");
      assertThat(reason.getString("whatToDo")).contains("file system");

      CallToolResult advice =
          c.callTool(
              new CallToolRequest(
                  "recommend_policy", Map.of("node", "n1", "path", "/var/log/mcp/server.log")));
      JsonObject a = structured(advice).getJsonArray("items").getJsonObject(0);
      assertThat(a.getString("node")).isEqualTo("n1");
      // 6,000,000 bytes in 10 minutes: 36,000,000 bytes an hour.
      assertThat(a.getJsonObject("advice").getLong("p95BytesPerHour")).isEqualTo(36_000_000L);
      assertThat(a.getJsonObject("advice").getJsonObject("reasons").getString("maxSize"))
          .startsWith("at the P95 growth of 34.3MiB/h");
      assertThat(text(advice)).startsWith("n1 /var/log/mcp/server.log: maxSize 35MiB");

      McpSchema.ReadResourceResult node =
          c.readResource(new McpSchema.ReadResourceRequest("fleetrotate://nodes/n1"));
      assertThat(((McpSchema.TextResourceContents) node.contents().get(0)).text())
          .contains("\"nodeId\" : \"n1\"");
      McpSchema.ReadResourceResult alerts =
          c.readResource(new McpSchema.ReadResourceRequest("fleetrotate://alerts"));
      assertThat(((McpSchema.TextResourceContents) alerts.contents().get(0)).text())
          .contains("\"firing\"");
    }
  }

  @Test
  void badArgumentsAreMcpErrorsNamingTheArgument() {
    try (McpSyncClient c = client(ADMIN)) {
      assertThatThrownBy(
              () ->
                  c.callTool(new CallToolRequest("rotation_history", Map.of("since", "yesterday"))))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("argument since: write a UTC timestamp");
      assertThatThrownBy(
              () -> c.callTool(new CallToolRequest("nodes_at_risk", Map.of("hours", -3))))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("argument hours: write a number from 1 to 8760");
      assertThatThrownBy(
              () -> c.callTool(new CallToolRequest("recommend_policy", Map.of("node", "ghost"))))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("argument node: no node ghost");
    }
  }

  @Test
  void withoutATokenOrWithAWrongOneNothingIsListed() {
    Http.Response none =
        http.post("/mcp", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.body()).doesNotContain("fleet_summary");
    Http.Response wrong =
        http.post(
            "/mcp",
            "wrong-token-0123456789",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThatThrownBy(() -> client("wrong-token-0123456789")).isInstanceOf(RuntimeException.class);
    assertThat(http.get("/mcp", ADMIN).status()).isEqualTo(405);
  }

  @Test
  void aViewerReadsButIsRefusedRotateNow() {
    try (McpSyncClient c = client(VIEWER)) {
      assertThat(
              structured(c.callTool(new CallToolRequest("fleet_summary", Map.of())))
                  .getJsonObject("nodes")
                  .getInteger("total"))
          .isEqualTo(1);
      assertThatThrownBy(
              () ->
                  c.callTool(
                      new CallToolRequest("rotate_now", Map.of("node", "n1", "confirm", true))))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("rotate_now needs an admin token");
    }
    assertThat(coordinator.fleet().pendingCommands("n1")).isZero();
    assertThat(http.get("/api/v1/advice?node=n1", VIEWER).status()).isEqualTo(200);
    assertThat(http.post("/api/v1/nodes/n1/rotate", VIEWER, "").status()).isEqualTo(403);
  }

  @Test
  void aDryRunChangesNothingAndConfirmQueuesOneCommand() {
    try (McpSyncClient c = client(ADMIN)) {
      CallToolResult dry =
          c.callTool(
              new CallToolRequest(
                  "rotate_now", Map.of("node", "n1", "path", "/var/log/mcp/server.log")));
      assertThat(structured(dry).getBoolean("dryRun")).isTrue();
      assertThat(structured(dry).getJsonObject("lease").getString("group")).isEqualTo("mcp-server");
      assertThat(text(dry))
          .isEqualTo(
              "Dry run: would rotate /var/log/mcp/server.log on n1 under the lease of group"
                  + " mcp-server (unknown). Call again with confirm: true to queue it.");
      assertThat(coordinator.fleet().pendingCommands("n1")).isZero();

      CallToolResult queued =
          c.callTool(
              new CallToolRequest(
                  "rotate_now",
                  Map.of("node", "n1", "path", "/var/log/mcp/server.log", "confirm", true)));
      String id = structured(queued).getJsonObject("command").getString("commandId");
      assertThat(coordinator.fleet().pendingCommands("n1")).isEqualTo(1);

      // The node's next heartbeat carries the command, once.
      clock.advance(Duration.ofSeconds(15));
      Http.Response first =
          http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", clock.instant(), 0.95));
      assertThat(first.json().getJsonArray("commands")).hasSize(1);
      assertThat(first.json().getJsonArray("commands").getJsonObject(0).getString("commandId"))
          .isEqualTo(id);
      clock.advance(Duration.ofSeconds(15));
      Http.Response second =
          http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", clock.instant(), 0.95));
      assertThat(second.json().getJsonArray("commands")).isEmpty();
    }
  }
}
