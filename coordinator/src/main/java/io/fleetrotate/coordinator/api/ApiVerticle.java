package io.fleetrotate.coordinator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.coordinator.alert.Notices;
import io.fleetrotate.coordinator.alert.Severity;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.FleetState.FleetSummary;
import io.fleetrotate.coordinator.fleet.HeartbeatOutcome;
import io.fleetrotate.coordinator.fleet.NodeState;
import io.fleetrotate.coordinator.fleet.TooManyCommandsException;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.coordinator.history.RotationPage;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.coordinator.metrics.CoordinatorMetrics;
import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.EventAck;
import io.fleetrotate.proto.HeartbeatReply;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireFormatException;
import io.fleetrotate.proto.WireLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's HTTP API. {@link #router()} is the whole table of routes: method, path, who may
 * call it, the body limit, the handler. Handlers are short; anything that touches files or walks
 * the whole fleet runs on a worker thread; every failure is answered in {@link #failure}.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);
  private static final String JSON = "application/json";
  // Bodies above this are decoded on a worker thread rather than the event loop.
  private static final int INLINE_DECODE_BYTES = 64 * 1024;
  private static final int RECENT_ROTATIONS = 20;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final long OVER_CAP_RETRY_SECONDS = 300;

  private final ApiDependencies deps;
  private final Tokens tokens;
  private final FleetState fleet;
  private final byte[] openApi;
  private final int port;
  private HttpServer server;

  /**
   * @param port the port to listen on, which may differ from the configured one: further instances
   *     share the port the first one got
   */
  public ApiVerticle(ApiDependencies deps, int port) {
    this.deps = deps;
    this.port = port;
    this.tokens = new Tokens(deps.config().auth());
    this.fleet = deps.fleet();
    this.openApi = openApiDocument();
  }

  @Override
  public Future<?> start() {
    var http = deps.config().http();
    HttpServerOptions options = new HttpServerOptions().setCompressionSupported(true);
    http.tls()
        .ifPresent(
            tls ->
                options
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(tls.certPath().toString())
                            .setKeyPath(tls.keyPath().toString())));
    return vertx
        .createHttpServer(options)
        .requestHandler(router())
        .listen(port, http.bind())
        .onSuccess(s -> server = s);
  }

  /** The port the server listens on (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  Router router() {
    Router r = Router.router(vertx);
    Handler<RoutingContext> body =
        BodyHandler.create(false).setBodyLimit(deps.config().http().maxBodyBytes());
    Handler<RoutingContext> agent = new TokenCheck(tokens, Tokens.Scope.AGENT);
    Handler<RoutingContext> admin = new TokenCheck(tokens, Tokens.Scope.ADMIN);
    Handler<RoutingContext> open =
        deps.config().auth().openMetrics() ? RoutingContext::next : new TokenCheck(tokens, null);

    r.get("/health").handler(open).handler(this::health);
    r.get("/metrics").handler(open).handler(this::metrics);
    r.get("/api/v1/openapi.json").handler(this::openApi);

    r.post("/api/v1/heartbeats").handler(agent).handler(body).handler(this::heartbeat);
    r.post("/api/v1/events").handler(agent).handler(body).handler(this::events);

    r.get("/api/v1/fleet").handler(admin).handler(this::fleetSummary);
    r.get("/api/v1/nodes").handler(admin).handler(this::nodes);
    r.get("/api/v1/nodes/:id").handler(admin).handler(this::node);
    r.post("/api/v1/nodes/:id/rotate").handler(admin).handler(body).handler(this::rotateNow);
    r.get("/api/v1/rotations").handler(admin).handler(this::rotations);
    r.get("/api/v1/rotations/export").handler(admin).handler(this::export);
    r.get("/api/v1/alerts").handler(admin).handler(this::alerts);

    if (deps.benchRoutes()) {
      r.post("/api/v1/bench/noop").handler(agent).handler(body).handler(this::noop);
    }

    // The dashboard (classpath webroot/): open, since the page sends the admin token itself.
    r.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    r.route().failureHandler(this::failure);
    r.errorHandler(404, ctx -> error(ctx, 404, "no such endpoint; see /api/v1/openapi.json", null));
    r.errorHandler(
        405, ctx -> error(ctx, 405, "this endpoint does not take " + ctx.request().method(), null));
    return r;
  }

  // ---- agent endpoints ----

  private void heartbeat(RoutingContext ctx) {
    byte[] bytes = bodyBytes(ctx);
    decode(() -> deps.codec().decodeHeartbeat(bytes), bytes.length)
        .map(
            hb -> {
              // Before the fleet sees it: the reply carries the node's commands.
              checkMayActFor(ctx, hb.nodeId());
              return hb;
            })
        .onSuccess(hb -> answerHeartbeat(ctx, hb))
        .onFailure(ctx::fail);
  }

  private void answerHeartbeat(RoutingContext ctx, NodeHeartbeat hb) {
    HeartbeatOutcome outcome = fleet.heartbeat(hb);
    if (outcome instanceof HeartbeatOutcome.OverNodeCap cap) {
      refuseOverNodeCap(ctx, hb.nodeId(), cap.maxNodes());
      return;
    }
    if (outcome instanceof HeartbeatOutcome.RateLimited limited) {
      deps.metrics().heartbeatRateLimited();
      ctx.response().putHeader("retry-after", Long.toString(limited.retryAfterSeconds()));
      error(
          ctx,
          429,
          "node "
              + hb.nodeId()
              + " sends more than "
              + deps.config().rateLimit().heartbeatsPerNodePerMinute()
              + " heartbeats a minute; retry after the Retry-After seconds",
          null);
      return;
    }
    deps.metrics().heartbeatAccepted();
    HeartbeatReply reply =
        new HeartbeatReply(
            ProtocolVersion.CURRENT,
            fleet.clock().instant(),
            ((HeartbeatOutcome.Accepted) outcome).commands());
    ctx.response().putHeader("content-type", JSON).end(Buffer.buffer(deps.codec().encode(reply)));
  }

  private void events(RoutingContext ctx) {
    byte[] bytes = bodyBytes(ctx);
    blocking(() -> deps.codec().decodeEvents(bytes))
        .map(
            events -> {
              events.forEach(e -> checkMayActFor(ctx, e.nodeId()));
              return events;
            })
        .compose(
            events ->
                Future.fromCompletionStage(deps.ingest().ingest(events), vertx.getOrCreateContext())
                    .map(fresh -> ack(events, fresh)))
        .onSuccess(ack -> ctx.response().putHeader("content-type", JSON).end(ack))
        .onFailure(ctx::fail);
  }

  private Buffer ack(List<RotationEvent> events, List<RotationEvent> fresh) {
    deps.metrics().eventsReceived(events.size(), fresh);
    Set<UUID> ids = new LinkedHashSet<>();
    events.forEach(e -> ids.add(e.eventId()));
    return Buffer.buffer(deps.codec().encode(new EventAck(List.copyOf(ids))));
  }

  private void noop(RoutingContext ctx) {
    ctx.response().putHeader("content-type", JSON).end("{}");
  }

  /** Refuses with 403 a node id the caller's agent token is not bound to. */
  private static void checkMayActFor(RoutingContext ctx, String nodeId) {
    Tokens.Caller caller = ctx.get(Tokens.Caller.KEY);
    if (caller == null || !caller.mayActFor(nodeId)) {
      throw new ApiException(
          403,
          "this agent token is not bound to node "
              + nodeId
              + "; send it with the token listed for that node in auth.agentTokens");
    }
  }

  /**
   * 429 with a Retry-After: the token is valid and the node would be welcome below the cap, so it
   * is not a 403; and 429 is the refusal agents back off on, so refused nodes do not retry at every
   * heartbeat.
   */
  private void refuseOverNodeCap(RoutingContext ctx, String nodeId, int maxNodes) {
    deps.metrics().heartbeatOverNodeCap();
    ctx.response().putHeader("retry-after", Long.toString(OVER_CAP_RETRY_SECONDS));
    error(
        ctx,
        429,
        "the coordinator tracks its limit of "
            + maxNodes
            + " nodes (limits.maxNodes), so it refuses new node "
            + nodeId
            + "; raise the limit or retry after the Retry-After seconds",
        null);
  }

  // ---- admin endpoints ----

  private void fleetSummary(RoutingContext ctx) {
    reply(
        ctx,
        () -> {
          FleetSummary s = fleet.summary();
          JsonObject nodes = new JsonObject();
          int total = 0;
          for (NodeState state : NodeState.values()) {
            nodes.put(state.wireName(), s.nodes().get(state));
            total += s.nodes().get(state);
          }
          nodes.put("total", total);
          Map<Severity, Integer> firing = deps.alerts().firingBySeverity();
          JsonObject bySeverity = new JsonObject();
          int firingTotal = 0;
          for (Severity sev : Severity.values()) {
            bySeverity.put(sev.wireName(), firing.get(sev));
            firingTotal += firing.get(sev);
          }
          return new JsonObject()
              .put("serverTime", fleet.clock().instant().toString())
              .put("nodes", nodes)
              .put(
                  "diskUsedRatio",
                  new JsonObject()
                      .put("nodes", s.disk().nodes())
                      .put("max", s.disk().max())
                      .put("p95", s.disk().p95())
                      .put("mean", s.disk().mean()))
              .put(
                  "rotations",
                  new JsonObject()
                      .put("successRatio1h", Views.ratioOrNull(s.lastHour()))
                      .put("successRatio24h", Views.ratioOrNull(s.lastDay()))
                      .put("lastHour", Views.tally(s.lastHour()))
                      .put("lastDay", Views.tally(s.lastDay())))
              .put(
                  "alerts",
                  new JsonObject().put("firing", firingTotal).put("bySeverity", bySeverity));
        });
  }

  private void nodes(RoutingContext ctx) {
    reply(
        ctx,
        () -> {
          List<TrackedNode> all = fleet.nodes();
          all.sort(Comparator.comparing(TrackedNode::nodeId));
          JsonArray items = new JsonArray();
          all.forEach(n -> items.add(Views.nodeSummary(fleet, n)));
          return new JsonObject().put("count", items.size()).put("nodes", items);
        });
  }

  private void node(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    reply(
        ctx,
        () -> {
          TrackedNode n = knownNode(id);
          RotationPage recent =
              deps.history().query(new RotationQuery(id, null, null, null, null, RECENT_ROTATIONS));
          return Views.nodeDetail(fleet, n, recent.items());
        });
  }

  private void rotateNow(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String path = rotatePath(ctx.body().buffer());
    Command command = fleet.queueRotate(id, path).orElseThrow(() -> unknownNode(id));
    log.info("queued {} for node {} (path {})", command.type(), id, path == null ? "all" : path);
    ctx.response()
        .setStatusCode(202)
        .putHeader("content-type", JSON)
        .end(Views.command(id, command).toBuffer());
  }

  /** The optional body {@code {"path": "..."}}; null when absent or without a path. */
  private static String rotatePath(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "$: is not valid JSON; send {\"path\": \"/var/log/app.log\"}");
    } catch (IOException e) {
      throw new ApiException(400, "$: is not valid JSON");
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return null;
    }
    if (!tree.isObject()) {
      throw new PathException("$", "must be an object such as {\"path\": \"/var/log/app.log\"}");
    }
    JsonNode path = tree.get("path");
    if (path == null || path.isNull()) {
      return null;
    }
    if (!path.isTextual() || path.asText().isBlank()) {
      throw new PathException("$.path", "must be a non-blank string, the watched file to rotate");
    }
    if (path.asText().length() > WireLimits.MAX_PATH_LENGTH) {
      throw new PathException(
          "$.path", "must be at most " + WireLimits.MAX_PATH_LENGTH + " characters");
    }
    return path.asText();
  }

  private void rotations(RoutingContext ctx) {
    RotationQuery query = QueryParams.rotations(ctx, 100, 1000);
    reply(
        ctx,
        () -> {
          RotationPage page = deps.history().query(query);
          JsonArray items = new JsonArray();
          page.items().forEach(e -> items.add(Views.rotation(e)));
          return new JsonObject()
              .put("items", items)
              .put("nextCursor", page.next().map(c -> c.encode()).orElse(null));
        });
  }

  private void export(RoutingContext ctx) {
    String format = QueryParams.text(ctx, "format");
    boolean csv;
    if (format == null || format.equals("json")) {
      csv = false;
    } else if (format.equals("csv")) {
      csv = true;
    } else {
      throw ApiException.badRequest("query parameter format: write csv or json");
    }
    RotationQuery query = QueryParams.rotations(ctx, 100_000, 1_000_000);
    blocking(
            () -> {
              RotationPage page = deps.history().query(query);
              if (csv) {
                StringBuilder out = new StringBuilder(page.items().size() * 256 + 256);
                Views.csvHeader(out);
                page.items().forEach(e -> Views.csvRow(out, e));
                return Buffer.buffer(out.toString());
              }
              JsonArray items = new JsonArray();
              page.items().forEach(e -> items.add(Views.rotation(e)));
              return items.toBuffer();
            })
        .onSuccess(
            buffer ->
                ctx.response()
                    .putHeader("content-type", csv ? "text/csv; charset=utf-8" : JSON)
                    .putHeader(
                        "content-disposition",
                        "attachment; filename=\"rotations." + (csv ? "csv" : "json") + "\"")
                    .end(buffer))
        .onFailure(ctx::fail);
  }

  private void alerts(RoutingContext ctx) {
    reply(
        ctx,
        () -> {
          JsonArray firing = new JsonArray();
          deps.alerts().firing().forEach(a -> firing.add(Notices.json(a)));
          JsonArray recent = new JsonArray();
          deps.alerts().recentNotices().forEach(n -> recent.add(Notices.json(n)));
          return new JsonObject().put("firing", firing).put("recent", recent);
        });
  }

  // ---- open endpoints ----

  private void health(RoutingContext ctx) {
    JsonObject health =
        new JsonObject()
            .put("status", "UP")
            .put("nodes", fleet.nodes().size())
            .put("events", deps.history().size());
    health.mergeIn(deps.health().get());
    ctx.response().putHeader("content-type", JSON).end(health.toBuffer());
  }

  private void metrics(RoutingContext ctx) {
    blocking(() -> deps.metrics().scrape())
        .onSuccess(
            text ->
                ctx.response()
                    .putHeader("content-type", CoordinatorMetrics.contentType())
                    .end(text))
        .onFailure(ctx::fail);
  }

  private void openApi(RoutingContext ctx) {
    ctx.response().putHeader("content-type", JSON).end(Buffer.buffer(openApi));
  }

  // ---- plumbing ----

  /** The request body; empty when there is none. */
  private static byte[] bodyBytes(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  private TrackedNode knownNode(String id) {
    return fleet.node(id).orElseThrow(() -> unknownNode(id));
  }

  private static ApiException unknownNode(String id) {
    return ApiException.notFound("no node " + id + " has sent a heartbeat; check the node id");
  }

  private <T> Future<T> decode(Callable<T> decoder, int size) {
    if (size <= INLINE_DECODE_BYTES) {
      try {
        return Future.succeededFuture(decoder.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    return blocking(decoder);
  }

  /** Runs {@code work} on a worker thread; not ordered, so slow requests do not queue others. */
  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private void reply(RoutingContext ctx, Callable<JsonObject> work) {
    blocking(work)
        .onSuccess(json -> ctx.response().putHeader("content-type", JSON).end(json.toBuffer()))
        .onFailure(ctx::fail);
  }

  /** Every failure of every route ends here, as a JSON error with the right status. */
  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ApiException e) {
      error(ctx, e.status(), e.getMessage(), null);
    } else if (t instanceof PathException e) {
      error(ctx, 400, e.getMessage(), e.path);
    } else if (t instanceof WireFormatException e) {
      error(ctx, 400, e.getMessage(), e.path());
    } else if (t instanceof TooManyCommandsException e) {
      error(ctx, 409, e.getMessage(), null);
    } else if (t == null && ctx.statusCode() == 413) {
      error(
          ctx,
          413,
          "the request body is over the "
              + deps.config().http().maxBodyBytes()
              + "-byte limit (http.maxBodyBytes); send less per request",
          null);
    } else if (t == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, ctx.statusCode(), "the request was refused (HTTP " + ctx.statusCode() + ")", null);
    } else if (t instanceof IOException e) {
      log.error(
          "storage failed while serving {} {}", ctx.request().method(), ctx.request().path(), e);
      error(ctx, 503, "the coordinator cannot store data right now; retry later", null);
    } else {
      log.error("bug while serving {} {}", ctx.request().method(), ctx.request().path(), t);
      error(ctx, 500, "internal error; the coordinator logged the details", null);
    }
  }

  private static void error(RoutingContext ctx, int status, String message, String path) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    JsonObject body = new JsonObject().put("error", message);
    if (path != null) {
      body.put("path", path);
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body.toBuffer());
  }

  private static byte[] openApiDocument() {
    try (InputStream in = ApiVerticle.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }

  /** A bad field in a small JSON body the API parses itself, with its JSON path. */
  private static final class PathException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;

    PathException(String path, String rule) {
      super(path + ": " + rule, null, false, false);
      this.path = path;
    }
  }
}
