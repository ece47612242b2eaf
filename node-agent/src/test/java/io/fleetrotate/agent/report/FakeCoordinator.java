package io.fleetrotate.agent.report;

import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.EventAck;
import io.fleetrotate.proto.HeartbeatReply;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The coordinator's agent-facing HTTP contract on a random loopback port, for tests: decodes with
 * {@link WireCodec}, records every request, stores events deduplicated by id, and can be told to
 * fail in each way the real one may (503, 401, 400 for an event, 413 above a batch size, 429 with
 * Retry-After, dropped connections, not listening at all).
 */
final class FakeCoordinator implements AutoCloseable {
  static final String TOKEN = "test-agent-token";

  /** How every request fails until switched back to {@link #NONE}. */
  enum Failure {
    NONE,
    SERVICE_UNAVAILABLE,
    UNAUTHORIZED,
    CLOSE_CONNECTION,
    /** Stores the events, then drops the connection before the acknowledgement. */
    STORE_THEN_CLOSE_CONNECTION
  }

  /** One POST to /api/v1/events as it arrived. */
  record EventRequest(long atNanos, int size, int status) {}

  /** One POST to /api/v1/heartbeats as it arrived. */
  record HeartbeatRequest(long atNanos, int status) {}

  private final Vertx vertx = Vertx.vertx();
  private final WireCodec codec = new WireCodec();
  private HttpServer server;
  private int port;

  private final List<RotationEvent> received = new ArrayList<>();
  private final Map<UUID, RotationEvent> stored = new LinkedHashMap<>();
  private final List<EventRequest> eventRequests = new ArrayList<>();
  private final List<NodeHeartbeat> heartbeats = new ArrayList<>();
  private final List<HeartbeatRequest> heartbeatRequests = new ArrayList<>();
  private int heartbeatsRateLimited;
  private final Deque<Command> queuedCommands = new ArrayDeque<>();
  private List<Command> everyReply = List.of();
  private Failure failure = Failure.NONE;
  private final Set<UUID> poison = new HashSet<>();
  private final Set<UUID> poisonWithoutPath = new HashSet<>();
  private final Set<UUID> unacknowledged = new HashSet<>();
  private int maxBatch = Integer.MAX_VALUE;
  private int rateLimited;
  private String retryAfter = "1";
  private Consumer<List<RotationEvent>> onEvents = events -> {};

  static FakeCoordinator start() throws Exception {
    FakeCoordinator c = new FakeCoordinator();
    c.listen(0);
    return c;
  }

  private void listen(int onPort) throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .listen(onPort, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  int port() {
    return port;
  }

  /** Stops listening: connections are refused until {@link #restart}. */
  void stop() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Listens again on the same port. */
  void restart() throws Exception {
    listen(port);
  }

  // ---- switches ----

  synchronized void fail(Failure f) {
    failure = f;
  }

  /** Answers 400 naming this event whenever a batch holds it. */
  synchronized void refuse(UUID eventId) {
    poison.add(eventId);
  }

  /** Answers 400 whenever a batch holds this event, without saying which event is at fault. */
  synchronized void refuseWithoutSayingWhich(UUID eventId) {
    poisonWithoutPath.add(eventId);
  }

  /** Leaves this event out of acknowledgements, without storing it. */
  synchronized void leaveUnacknowledged(UUID eventId) {
    unacknowledged.add(eventId);
  }

  synchronized void acknowledgeEverything() {
    unacknowledged.clear();
  }

  /** Answers 413 to batches of more than {@code n} events. */
  synchronized void limitBatchesTo(int n) {
    maxBatch = n;
  }

  /** Answers the next {@code times} event posts with 429 and this Retry-After. */
  synchronized void rateLimit(int times, String retryAfterValue) {
    rateLimited = times;
    retryAfter = retryAfterValue;
  }

  /** Answers the next {@code times} heartbeats with 429 and this Retry-After. */
  synchronized void rateLimitHeartbeats(int times, String retryAfterValue) {
    heartbeatsRateLimited = times;
    retryAfter = retryAfterValue;
  }

  /** Runs before a batch of events is stored, on the event loop: a place to look at the agent. */
  synchronized void onEvents(Consumer<List<RotationEvent>> hook) {
    onEvents = hook;
  }

  /** Delivers this command with the next heartbeat reply, once. */
  synchronized void queue(Command command) {
    queuedCommands.add(command);
  }

  /** Delivers these commands with every heartbeat reply, as a buggy coordinator would. */
  synchronized void repeatInEveryReply(List<Command> commands) {
    everyReply = List.copyOf(commands);
  }

  // ---- what arrived ----

  /** Every event received, in order, duplicates included. */
  synchronized List<RotationEvent> received() {
    return List.copyOf(received);
  }

  /** Stored events, deduplicated by id, in the order first stored. */
  synchronized List<RotationEvent> stored() {
    return List.copyOf(stored.values());
  }

  synchronized List<EventRequest> eventRequests() {
    return List.copyOf(eventRequests);
  }

  synchronized List<NodeHeartbeat> heartbeats() {
    return List.copyOf(heartbeats);
  }

  synchronized List<HeartbeatRequest> heartbeatRequests() {
    return List.copyOf(heartbeatRequests);
  }

  // ---- handling ----

  private void handle(HttpServerRequest req) {
    req.body()
        .onSuccess(body -> respond(req, body))
        .onFailure(e -> req.response().setStatusCode(500).end());
  }

  private synchronized void respond(HttpServerRequest req, Buffer body) {
    boolean events = req.path().equals("/api/v1/events");
    boolean heartbeat = req.path().equals("/api/v1/heartbeats");
    if (!req.method().name().equals("POST") || !(events || heartbeat)) {
      error(req, 404, "no such endpoint", "$");
      return;
    }
    switch (failure) {
      case CLOSE_CONNECTION -> {
        recordEventRequest(events, 0, -1);
        req.connection().close();
        return;
      }
      case SERVICE_UNAVAILABLE -> {
        recordEventRequest(events, 0, 503);
        error(req, 503, "starting up", "$");
        return;
      }
      case UNAUTHORIZED -> {
        recordEventRequest(events, 0, 401);
        error(req, 401, "unknown token", "$");
        return;
      }
      case NONE, STORE_THEN_CLOSE_CONNECTION -> {}
    }
    if (!("Bearer " + TOKEN).equals(req.getHeader("Authorization"))) {
      recordEventRequest(events, 0, 401);
      error(req, 401, "unknown token", "$");
      return;
    }
    if (heartbeat) {
      heartbeat(req, body);
    } else {
      events(req, body);
    }
  }

  private void heartbeat(HttpServerRequest req, Buffer body) {
    NodeHeartbeat hb;
    try {
      hb = codec.decodeHeartbeat(body.getBytes());
    } catch (WireFormatException e) {
      error(req, 400, e.rule(), e.path());
      return;
    }
    if (heartbeatsRateLimited > 0) {
      heartbeatsRateLimited--;
      recordEventRequest(false, 0, 429);
      req.response().putHeader("Retry-After", retryAfter);
      error(req, 429, "slow down", "$");
      return;
    }
    recordEventRequest(false, 0, 200);
    heartbeats.add(hb);
    List<Command> commands = new ArrayList<>(everyReply);
    commands.addAll(queuedCommands);
    queuedCommands.clear();
    HeartbeatReply reply = new HeartbeatReply(ProtocolVersion.CURRENT, Instant.now(), commands);
    json(req, 200, codec.encode(reply));
  }

  private void events(HttpServerRequest req, Buffer body) {
    List<RotationEvent> batch;
    try {
      batch = codec.decodeEvents(body.getBytes());
    } catch (WireFormatException e) {
      recordEventRequest(true, 0, 400);
      error(req, 400, e.rule(), e.path());
      return;
    }
    if (rateLimited > 0) {
      rateLimited--;
      recordEventRequest(true, batch.size(), 429);
      req.response().putHeader("Retry-After", retryAfter);
      error(req, 429, "slow down", "$");
      return;
    }
    if (batch.size() > maxBatch) {
      recordEventRequest(true, batch.size(), 413);
      error(req, 413, "at most " + maxBatch + " events per request", "$");
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (poison.contains(batch.get(i).eventId())) {
        recordEventRequest(true, batch.size(), 400);
        error(req, 400, "this coordinator refuses this event", "$[" + i + "].eventId");
        return;
      }
      if (poisonWithoutPath.contains(batch.get(i).eventId())) {
        recordEventRequest(true, batch.size(), 400);
        error(req, 400, "this coordinator refuses something in the batch", "$");
        return;
      }
    }
    recordEventRequest(true, batch.size(), 200);
    onEvents.accept(batch);
    received.addAll(batch);
    List<UUID> accepted = new ArrayList<>();
    for (RotationEvent e : batch) {
      if (!unacknowledged.contains(e.eventId())) {
        stored.putIfAbsent(e.eventId(), e);
        accepted.add(e.eventId());
      }
    }
    if (failure == Failure.STORE_THEN_CLOSE_CONNECTION) {
      req.connection().close();
      return;
    }
    json(req, 200, codec.encode(new EventAck(accepted)));
  }

  private void recordEventRequest(boolean events, int size, int status) {
    if (events) {
      eventRequests.add(new EventRequest(System.nanoTime(), size, status));
    } else {
      heartbeatRequests.add(new HeartbeatRequest(System.nanoTime(), status));
    }
  }

  private static void error(HttpServerRequest req, int status, String error, String path) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("path", path).encode());
  }

  private static void json(HttpServerRequest req, int status, byte[] body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(body));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
