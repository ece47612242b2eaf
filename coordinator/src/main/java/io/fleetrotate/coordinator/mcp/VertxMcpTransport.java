package io.fleetrotate.coordinator.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's stateless streamable-HTTP server transport over a Vert.x route: each POST carries
 * one JSON-RPC message, answered with one JSON response (a request) or 202 (a notification). The
 * SDK's handler blocks, so it runs on a worker thread, never on the event loop.
 */
final class VertxMcpTransport implements McpStatelessServerTransport {
  /** The transport context's key for whether the caller presented an admin token. */
  static final String ADMIN = "fleetrotate.admin";

  private static final Logger log = LoggerFactory.getLogger(VertxMcpTransport.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final McpJsonMapper mapper;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  VertxMcpTransport(McpJsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> closing = true);
  }

  /** Answers one POST; {@code admin} is what the bearer token allows. */
  void post(Vertx vertx, RoutingContext ctx, boolean admin) {
    if (closing) {
      refuse(ctx, 503, McpSchema.ErrorCodes.INTERNAL_ERROR, "the coordinator is shutting down");
      return;
    }
    String accept = ctx.request().getHeader("accept");
    if (accept == null
        || !(accept.contains("application/json") && accept.contains("text/event-stream"))) {
      refuse(
          ctx,
          400,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          "send Accept: application/json, text/event-stream, as streamable HTTP requires");
      return;
    }
    Buffer body = ctx.body().buffer();
    String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
    McpTransportContext context = McpTransportContext.create(Map.of(ADMIN, admin));
    vertx
        .executeBlocking(() -> answer(text, context), false)
        .onSuccess(
            json -> {
              if (json == null) {
                ctx.response().setStatusCode(202).end();
              } else {
                ctx.response().putHeader("content-type", "application/json").end(json);
              }
            })
        .onFailure(
            t -> {
              if (t instanceof IllegalArgumentException || t instanceof IOException) {
                refuse(
                    ctx,
                    400,
                    McpSchema.ErrorCodes.PARSE_ERROR,
                    "the body is not one JSON-RPC request or notification");
              } else {
                log.error("MCP request failed", t);
                refuse(
                    ctx,
                    500,
                    McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "internal error; the coordinator logged the details");
              }
            });
  }

  /** The JSON response to a request, or null for a notification. */
  private String answer(String text, McpTransportContext context) throws IOException {
    McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(mapper, text);
    if (message instanceof McpSchema.JSONRPCRequest request) {
      McpSchema.JSONRPCResponse response =
          handler
              .handleRequest(context, request)
              .contextWrite(c -> c.put(McpTransportContext.KEY, context))
              .block(REQUEST_TIMEOUT);
      return mapper.writeValueAsString(response);
    }
    if (message instanceof McpSchema.JSONRPCNotification notification) {
      handler
          .handleNotification(context, notification)
          .contextWrite(c -> c.put(McpTransportContext.KEY, context))
          .block(REQUEST_TIMEOUT);
      return null;
    }
    throw new IllegalArgumentException("not a request or notification");
  }

  private static void refuse(RoutingContext ctx, int status, int code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put("jsonrpc", "2.0")
                .putNull("id")
                .put("error", new JsonObject().put("code", code).put("message", message))
                .toBuffer());
  }
}
