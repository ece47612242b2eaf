package io.fleetrotate.coordinator.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.coordinator.alert.Notices;
import io.fleetrotate.coordinator.api.ApiDependencies;
import io.fleetrotate.coordinator.api.Views;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.proto.WireText;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The coordinator as an MCP server at {@code /mcp}: streamable HTTP, stateless (each POST one
 * JSON-RPC message), built on the official MCP Java SDK. Tools in {@link FleetTools}; resources
 * {@code fleetrotate://nodes/{id}} and {@code fleetrotate://alerts}. The route's token check runs
 * first: without a token nothing is listed.
 */
public final class McpEndpoint {
  static final String NODE_PREFIX = "fleetrotate://nodes/";
  private static final int RECENT_ROTATIONS = 20;

  private final ApiDependencies deps;
  private final VertxMcpTransport transport;
  private final McpStatelessSyncServer server;

  public McpEndpoint(ApiDependencies deps, String version) {
    this.deps = deps;
    ObjectMapper objectMapper = new ObjectMapper();
    McpJsonMapper mapper = new JacksonMcpJsonMapper(objectMapper);
    this.transport = new VertxMcpTransport(mapper);
    this.server =
        McpServer.sync(transport)
            .serverInfo("fleetrotate-coordinator", version)
            .instructions(
                "Ask about the fleet's log rotation: fleet_summary first, then nodes_at_risk,"
                    + " explain_failures, rotation_history, recommend_policy; rotate_now is a dry"
                    + " run unless confirm is true.")
            .capabilities(
                McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
            .jsonMapper(mapper)
            .jsonSchemaValidator(new McpSchemas(objectMapper))
            .immediateExecution(true)
            .tools(new FleetTools(deps).all())
            .resources(alertsResource())
            .resourceTemplates(nodeResource())
            .build();
  }

  /** Answers a POST to /mcp; {@code admin} is whether the token is an admin token. */
  public void post(Vertx vertx, RoutingContext ctx, boolean admin) {
    transport.post(vertx, ctx, admin);
  }

  public void close() {
    server.close();
  }

  private SyncResourceSpecification alertsResource() {
    McpSchema.Resource resource =
        McpSchema.Resource.builder()
            .uri("fleetrotate://alerts")
            .name("alerts")
            .description("Alerts firing now and the last notices, newest first.")
            .mimeType("application/json")
            .build();
    return new SyncResourceSpecification(
        resource,
        (ctx, request) -> {
          JsonArray firing = new JsonArray();
          deps.alerts().firing().forEach(a -> firing.add(Notices.json(a)));
          JsonArray recent = new JsonArray();
          deps.alerts().recentNotices().forEach(n -> recent.add(Notices.json(n)));
          return json(request.uri(), new JsonObject().put("firing", firing).put("recent", recent));
        });
  }

  private SyncResourceTemplateSpecification nodeResource() {
    McpSchema.ResourceTemplate template =
        McpSchema.ResourceTemplate.builder()
            .uriTemplate(NODE_PREFIX + "{id}")
            .name("node")
            .description(
                "One node: state, disks, files with their growth, lock state, recent rotations.")
            .mimeType("application/json")
            .build();
    return new SyncResourceTemplateSpecification(
        template,
        (ctx, request) -> {
          String id = request.uri().substring(NODE_PREFIX.length());
          String problem = WireText.idProblem(id);
          TrackedNode n = problem != null ? null : deps.fleet().node(id).orElse(null);
          if (n == null) {
            throw McpError.RESOURCE_NOT_FOUND.apply(request.uri());
          }
          var recent =
              deps.history()
                  .query(new RotationQuery(id, null, null, null, null, RECENT_ROTATIONS))
                  .items();
          return json(request.uri(), Views.nodeDetail(deps.fleet(), n, recent));
        });
  }

  private static McpSchema.ReadResourceResult json(String uri, JsonObject body) {
    return new McpSchema.ReadResourceResult(
        List.of(
            new McpSchema.TextResourceContents(uri, "application/json", body.encodePrettily())));
  }
}
