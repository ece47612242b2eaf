package io.fleetrotate.coordinator.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fleetrotate.coordinator.advice.FleetAdvisor;
import io.fleetrotate.coordinator.alert.Notices;
import io.fleetrotate.coordinator.alert.Severity;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.FleetState.FleetSummary;
import io.fleetrotate.coordinator.fleet.HeartbeatOutcome;
import io.fleetrotate.coordinator.fleet.TooManyCommandsException;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.coordinator.history.RotationPage;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.coordinator.mcp.McpEndpoint;
import io.fleetrotate.coordinator.metrics.CoordinatorMetrics;
import io.fleetrotate.coordinator.metrics.Exposition;
import io.fleetrotate.proto.EventAck;
import io.fleetrotate.proto.EventBatch;
import io.fleetrotate.proto.HeartbeatReply;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireFormatException;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
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
  private static final int EXPORT_PAGE_ROWS = 500;
  // Admin bodies are held to the wire codec's standard: one value per key, nothing after the
  // document.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * On every response. The dashboard loads only its own files and calls only this origin; no page
   * may frame it (clickjacking), no response is sniffed into another type, no URL leaks as a
   * referrer.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final long OVER_CAP_RETRY_SECONDS = 300;

  private final ApiDependencies deps;
  private final Tokens tokens;
  private final FleetState fleet;
  private final McpEndpoint mcp;
  private final byte[] openApi;
  private final int port;
  private HttpServer server;
  private RequestDeadlines deadlines;

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
    String version = ApiVerticle.class.getPackage().getImplementationVersion();
    this.mcp = new McpEndpoint(deps, version == null ? "dev" : version);
  }

  @Override
  public Future<?> start() {
    var http = deps.config().http();
    HttpServerOptions options =
        new HttpServerOptions()
            .setCompressionSupported(true)
            .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, http.idleTimeout().toMillis()))
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    http.tls()
        .ifPresent(
            tls ->
                options
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(tls.certPath().toString())
                            .setKeyPath(tls.keyPath().toString())));
    deadlines = new RequestDeadlines(vertx, http.idleTimeout(), http.requestTimeout());
    Router router = router();
    return vertx
        .createHttpServer(options)
        .connectionHandler(deadlines::connected)
        .requestHandler(
            request -> {
              deadlines.requestArrived(request);
              if (isPercentEncoded(request.uri())) {
                router.handle(request);
              } else {
                // The router would throw while matching path parameters, and log it as a bug.
                refuseUri(request);
              }
            })
        // Malformed framing, resets and TLS noise are the client's problem: one line, no trace.
        .exceptionHandler(t -> log.debug("HTTP connection error: {}", t.toString()))
        .listen(port, http.bind())
        .onSuccess(s -> server = s);
  }

  /** True if every '%' in {@code uri} starts a two-hex-digit escape. */
  static boolean isPercentEncoded(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length()
          || Character.digit(uri.charAt(i + 1), 16) < 0
          || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private void refuseUri(HttpServerRequest request) {
    securityHeaders(request.response())
        .setStatusCode(400)
        .putHeader("content-type", JSON)
        .end(
            new JsonObject()
                .put(
                    "error",
                    "the request URI is not valid percent-encoding; write a literal % as %25")
                .toBuffer())
        .onComplete(ignored -> deadlines.answered(request));
  }

  private static HttpServerResponse securityHeaders(HttpServerResponse response) {
    return response
        .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .putHeader("x-frame-options", "DENY");
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
    Handler<RoutingContext> reader = TokenCheck.reader(tokens);
    Handler<RoutingContext> scrape =
        deps.config().auth().openMetrics()
            ? RoutingContext::next
            : TokenCheck.adminOrScrape(tokens);

    r.route().handler(this::everyRequest);
    r.get("/health").handler(this::health);
    r.get("/metrics").handler(scrape).handler(this::metrics);
    r.get("/api/v1/openapi.json").handler(this::openApi);

    r.post("/api/v1/heartbeats").handler(agent).handler(body).handler(this::heartbeat);
    r.post("/api/v1/events").handler(agent).handler(body).handler(this::events);

    r.get("/api/v1/fleet").handler(reader).handler(this::fleetSummary);
    r.get("/api/v1/groups").handler(reader).handler(this::groups);
    r.get("/api/v1/nodes").handler(reader).handler(this::nodes);
    r.get("/api/v1/nodes/:id")
        .handler(reader)
        .handler(RequestChecks::checkNodeId)
        .handler(this::node);
    r.post("/api/v1/nodes/:id/rotate")
        .handler(admin)
        .handler(body)
        .handler(RequestChecks::checkNodeId)
        .handler(RequestChecks::checkRotateBody)
        .handler(this::rotateNow);
    r.get("/api/v1/rotations")
        .handler(reader)
        .handler(RequestChecks.checkRotationQuery(100, 1000))
        .handler(this::rotations);
    r.get("/api/v1/rotations/export")
        .handler(reader)
        .handler(RequestChecks::checkExportFormat)
        .handler(RequestChecks.checkRotationQuery(100_000, 1_000_000))
        .handler(this::export);
    r.get("/api/v1/alerts").handler(reader).handler(this::alerts);
    r.get("/api/v1/advice").handler(reader).handler(this::advice);

    // MCP, streamable HTTP without sessions: one JSON-RPC message per POST.
    r.post("/mcp").handler(reader).handler(body).handler(this::mcp);
    r.route("/mcp").handler(reader).handler(this::mcpMethodNotAllowed);

    // The dashboard (classpath webroot/): open, since the page sends the admin token itself.
    r.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    r.route().failureHandler(this::failure);
    r.errorHandler(404, ctx -> error(ctx, 404, "no such endpoint; see /api/v1/openapi.json", null));
    r.errorHandler(
        405, ctx -> error(ctx, 405, "this endpoint does not take " + ctx.request().method(), null));
    return r;
  }

  /**
   * First for every request: the security headers, the request deadline's bookkeeping, and a 400
   * for a query string that is not valid percent-encoding (Vert.x would throw while decoding it).
   */
  private void everyRequest(RoutingContext ctx) {
    securityHeaders(ctx.response());
    if (deadlines != null) {
      ctx.addEndHandler(ignored -> deadlines.answered(ctx.request()));
    }
    try {
      ctx.queryParams();
    } catch (RuntimeException e) {
      throw ApiException.badRequest(
          "the query string is not valid percent-encoding; write a literal % as %25");
    }
    ctx.next();
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
    // With a cluster the commands come from the shared map: answered when it answers, on this
    // request's context, without blocking it.
    Future.fromCompletionStage(
            ((HeartbeatOutcome.Accepted) outcome).commands(), vertx.getOrCreateContext())
        .onSuccess(
            commands -> {
              HeartbeatReply reply =
                  new HeartbeatReply(ProtocolVersion.CURRENT, fleet.clock().instant(), commands);
              ctx.response()
                  .putHeader("content-type", JSON)
                  .end(Buffer.buffer(deps.codec().encode(reply)));
            })
        .onFailure(ctx::fail);
  }

  /**
   * Each event is validated before anything is stored; the valid ones are stored and counted even
   * when others are not. A batch with a refused event is answered 400 naming the first one (what
   * agents act on), with the ack's accepted and rejected lists in the same body.
   */
  private void events(RoutingContext ctx) {
    byte[] bytes = bodyBytes(ctx);
    // Decoded, checked and handed to the store on a worker thread: the store prepares the batch
    // (encodes it) on the caller's thread.
    blocking(
            () -> {
              EventBatch batch = deps.codec().decodeEventBatch(bytes);
              // A token bound to other nodes stores nothing of the batch.
              batch.events().forEach(e -> checkMayActFor(ctx, e.nodeId()));
              return new Storing(
                  batch,
                  batch.events().isEmpty()
                      ? CompletableFuture.completedFuture(List.<RotationEvent>of())
                      : deps.ingest().ingest(batch.events()));
            })
        .compose(
            storing ->
                Future.fromCompletionStage(storing.stored(), vertx.getOrCreateContext())
                    .map(fresh -> ack(storing.batch(), fresh)))
        .onSuccess(ack -> answerAck(ctx, ack))
        .onFailure(ctx::fail);
  }

  /** A decoded batch and its append to the store, under way. */
  private record Storing(EventBatch batch, CompletableFuture<List<RotationEvent>> stored) {}

  private EventAck ack(EventBatch batch, List<RotationEvent> fresh) {
    deps.metrics().eventsReceived(batch.events().size(), fresh);
    Set<UUID> ids = new LinkedHashSet<>();
    batch.events().forEach(e -> ids.add(e.eventId()));
    return new EventAck(List.copyOf(ids), batch.rejected());
  }

  private void answerAck(RoutingContext ctx, EventAck ack) {
    Buffer body = Buffer.buffer(deps.codec().encode(ack));
    if (ack.rejected().isEmpty()) {
      ctx.response().putHeader("content-type", JSON).end(body);
      return;
    }
    EventAck.Rejection first = ack.rejected().get(0);
    JsonObject refused =
        new JsonObject()
            .put("error", first.message())
            .put("path", first.path())
            .mergeIn(new JsonObject(body));
    ctx.response().setStatusCode(400).putHeader("content-type", JSON).end(refused.toBuffer());
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
          Map<Severity, Integer> firing = deps.alerts().firingBySeverity();
          JsonObject bySeverity = new JsonObject();
          int firingTotal = 0;
          for (Severity sev : Severity.values()) {
            bySeverity.put(sev.wireName(), firing.get(sev));
            firingTotal += firing.get(sev);
          }
          return new JsonObject()
              .put("serverTime", fleet.clock().instant().toString())
              .put("nodes", Views.nodeCounts(s.nodes()))
              .put(
                  "diskUsedRatio",
                  new JsonObject()
                      .put("nodes", s.disk().nodes())
                      .put("max", s.disk().max())
                      .put("p95", s.disk().p95())
                      .put("mean", s.disk().mean()))
              .put("rotations", Views.rotationTotals(s))
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

  private void groups(RoutingContext ctx) {
    reply(
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          fleet.groups().forEach(g -> items.add(Views.group(g)));
          return new JsonObject().put("count", items.size()).put("groups", items);
        });
  }

  private void node(RoutingContext ctx) {
    String id = RequestChecks.nodeId(ctx);
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
    String id = RequestChecks.nodeId(ctx);
    String path = RequestChecks.rotatePath(ctx);
    // On a worker: with a cluster, queuing is a round trip to the node's key owner.
    blocking(() -> fleet.queueRotate(id, path).orElseThrow(() -> unknownNode(id)))
        .onSuccess(
            command -> {
              log.info(
                  "queued {} for node {} (path {})",
                  command.type(),
                  id,
                  path == null ? "all" : path);
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("content-type", JSON)
                  .end(Views.command(id, command).toBuffer());
            })
        .onFailure(ctx::fail);
  }

  private void rotations(RoutingContext ctx) {
    RotationQuery query = RequestChecks.rotationQuery(ctx);
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
    boolean csv = RequestChecks.csv(ctx);
    RotationQuery query = RequestChecks.rotationQuery(ctx);
    exportPage(ctx, csv, query, query.limit(), true);
  }

  /**
   * Streams an export page by page (keyset cursors, one store read per page on a worker thread),
   * waiting for the client to drain each, so any range is exported in constant memory without
   * holding the event loop. The body is the same CSV, or the same JSON array, as one buffer would
   * be.
   */
  private void exportPage(
      RoutingContext ctx, boolean csv, RotationQuery query, int remaining, boolean first) {
    RotationQuery page = query.after(query.after(), Math.min(EXPORT_PAGE_ROWS, remaining));
    blocking(() -> deps.history().query(page))
        .onSuccess(
            rows -> {
              HttpServerResponse response = ctx.response();
              if (response.closed()) {
                return;
              }
              StringBuilder chunk = new StringBuilder(rows.items().size() * 256 + 64);
              if (first) {
                String name = csv ? "rotations.csv" : "rotations.json";
                response
                    .setChunked(true)
                    .putHeader("content-type", csv ? "text/csv; charset=utf-8" : JSON)
                    .putHeader("content-disposition", "attachment; filename=\"" + name + "\"");
                if (csv) {
                  Views.csvHeader(chunk);
                } else {
                  chunk.append('[');
                }
              }
              for (int i = 0; i < rows.items().size(); i++) {
                if (csv) {
                  Views.csvRow(chunk, rows.items().get(i));
                } else {
                  chunk.append(first && i == 0 ? "" : ",");
                  chunk.append(Views.rotation(rows.items().get(i)).encode());
                }
              }
              int left = remaining - rows.items().size();
              if (rows.next().isEmpty() || left <= 0) {
                response.end(chunk.append(csv ? "" : "]").toString());
                return;
              }
              response.write(chunk.toString());
              RotationQuery rest = query.after(rows.next().get(), query.limit());
              if (response.writeQueueFull()) {
                response.drainHandler(ignored -> exportPage(ctx, csv, rest, left, false));
              } else {
                exportPage(ctx, csv, rest, left, false);
              }
            })
        .onFailure(
            e -> {
              if (first) {
                ctx.fail(e);
              } else {
                // Mid-stream the status is sent: cut the body so the client sees it incomplete.
                log.error("export broke off: {}", e.toString());
                ctx.response().reset();
              }
            });
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

  private void advice(RoutingContext ctx) {
    String node = QueryParams.text(ctx, "node");
    String path = QueryParams.text(ctx, "path");
    String group = QueryParams.text(ctx, "group");
    reply(
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          try {
            deps.advisor().advise(node, path, group).forEach(f -> items.add(FleetAdvisor.json(f)));
          } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("query parameter " + e.getMessage());
          }
          return new JsonObject().put("items", items);
        });
  }

  private void mcp(RoutingContext ctx) {
    Tokens.Caller caller = ctx.get(Tokens.Caller.KEY);
    mcp.post(vertx, ctx, caller != null && caller.scope() == Tokens.Scope.ADMIN);
  }

  private void mcpMethodNotAllowed(RoutingContext ctx) {
    ctx.response().putHeader("allow", "POST");
    error(ctx, 405, "the MCP endpoint takes POST only; it opens no event stream", null);
  }

  // ---- open endpoints ----

  /** Status for any caller (probes carry no token); the counts with a token or openMetrics. */
  private void health(RoutingContext ctx) {
    JsonObject health = new JsonObject().put("status", "UP");
    if (deps.config().auth().openMetrics()
        || tokens.callerOf(ctx.request().getHeader("authorization")) != null) {
      health.put("nodes", fleet.nodeCount()).put("events", deps.history().size());
      health.mergeIn(deps.health().get());
    }
    ctx.response().putHeader("content-type", JSON).end(health.toBuffer());
  }

  /**
   * Rendered on a worker, and compressed there for a scraper that accepts gzip (as Prometheus does:
   * the server's own compressor would spend an event loop's time on megabytes), then sent chunk by
   * chunk (several megabytes at ten thousand nodes).
   */
  private void metrics(RoutingContext ctx) {
    String accepted = ctx.request().getHeader("accept-encoding");
    boolean gzip = accepted != null && accepted.toLowerCase(java.util.Locale.ROOT).contains("gzip");
    blocking(
            () -> {
              Exposition text = deps.metrics().exposition();
              return gzip ? text.gzipped() : text;
            })
        .onSuccess(
            text -> {
              HttpServerResponse response =
                  ctx.response()
                      .putHeader("content-type", CoordinatorMetrics.contentType())
                      .putHeader("content-length", Long.toString(text.length()));
              if (gzip) {
                // Already encoded: the server's compressor leaves it as it is.
                response.putHeader("content-encoding", "gzip");
              }
              List<Buffer> chunks = text.chunks();
              for (int i = 0; i < chunks.size() - 1; i++) {
                response.write(chunks.get(i));
              }
              response.end(chunks.get(chunks.size() - 1));
            })
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
    } else if (t instanceof RequestChecks.PathException e) {
      error(ctx, 400, e.getMessage(), e.path());
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
    } else if (t != null && isClientGone(t)) {
      // A malformed chunk, a reset or a half-closed connection: the client's doing, not a bug.
      log.debug(
          "{} {}: the client's request broke off: {}",
          ctx.request().method(),
          ctx.request().path(),
          t.toString());
      if (ctx.response().headWritten() || ctx.response().closed()) {
        return; // Vert.x has already answered the broken framing itself.
      }
      // The rest of the stream cannot be trusted: answer, then close the connection.
      ctx.response().putHeader("connection", "close");
      ctx.addEndHandler(ignored -> ctx.request().connection().close());
      error(ctx, 400, "the request is not valid HTTP (malformed framing or body); resend it", null);
    } else if (t != null && Unavailable.sentence(t).isPresent()) {
      log.warn(
          "answered 503 to {} {}: {}", ctx.request().method(), ctx.request().path(), t.toString());
      // Agents keep the events in their outbox and send them again after the Retry-After.
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader("retry-after", Unavailable.RETRY_AFTER_SECONDS);
      }
      error(ctx, 503, Unavailable.sentence(t).get(), null);
    } else {
      log.error("bug while serving {} {}", ctx.request().method(), ctx.request().path(), t);
      error(ctx, 500, "internal error; the coordinator logged the details", null);
    }
  }

  /**
   * True for what the client's connection did: broken framing (Netty's HTTP decoder threw it, e.g.
   * a chunk size that is not hex), a reset or a closed connection. Anything else is the
   * coordinator's own fault, however early in the request it happened.
   */
  private static boolean isClientGone(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      StackTraceElement[] frames = c.getStackTrace();
      if (frames.length > 0 && frames[0].getClassName().startsWith("io.netty.handler.codec.")) {
        return true;
      }
      if (c instanceof DecoderException
          || c instanceof HttpClosedException
          || c instanceof java.nio.channels.ClosedChannelException
          || (c instanceof VertxException && "Connection was closed".equals(c.getMessage()))) {
        return true;
      }
    }
    return false;
  }

  private static void error(RoutingContext ctx, int status, String message, String path) {
    if (ctx.response().ended() || ctx.response().closed() || ctx.response().headWritten()) {
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
}
