package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.config.AgentConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link Agent} every {@code checkInterval} on one worker thread and serves {@code /health}
 * and {@code /metrics}. The HTTP handlers only read values the worker prepared, so the event loop
 * never touches files.
 */
public final class AgentDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentDaemon.class);

  /**
   * Runs beside the check loop and calls the {@link Agent} only through the daemon's worker, since
   * the agent is not thread-safe: the coordinator reporter.
   */
  public interface Companion extends AutoCloseable {
    Companion NONE =
        new Companion() {
          @Override
          public void start(Agent agent, Executor worker) {}

          @Override
          public void stopping() {}

          @Override
          public void close() {}
        };

    /** Called once, before the first check; every call to {@code agent} goes to {@code worker}. */
    void start(Agent agent, Executor worker);

    /** The daemon is stopping: submit nothing more to the worker. */
    void stopping();

    /** Called after the worker has finished its last task. */
    @Override
    void close();
  }

  private final AgentConfig config;
  private final Agent agent;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final Companion companion;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fleetrotate-worker");
            t.setDaemon(false);
            return t;
          });
  private final CompressAheadLoop compressAhead;
  private final AtomicReference<Instant> lastCheck = new AtomicReference<>();
  // When the check under way began (null between checks): one that waits for a lock service that
  // does not answer takes seconds per file, and is not stuck for that.
  private final AtomicReference<Instant> checkStarted = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private Vertx vertx;
  private HttpServer http;

  /**
   * Runs {@code agent}'s checks, with the agent's configuration, clock and metrics; {@code
   * companion} starts and stops with the daemon.
   */
  public AgentDaemon(Agent agent, Companion companion) {
    this.agent = agent;
    this.config = agent.config();
    this.metrics = agent.metrics();
    this.clock = agent.clock();
    this.companion = companion;
    this.compressAhead = new CompressAheadLoop(config, clock.getZone());
  }

  /**
   * The daemon cannot listen on its HTTP port (taken since the start-up check): the message is the
   * one sentence that check prints, naming {@code http.port}.
   */
  public static final class PortRefused extends Exception {
    private static final long serialVersionUID = 1L;

    PortRefused(String sentence, Throwable cause) {
      super(sentence, cause);
    }
  }

  /**
   * Starts HTTP (if enabled) and the check loop; returns the HTTP port, or -1 without HTTP.
   *
   * @throws PortRefused when the HTTP port cannot be listened on; nothing was started
   */
  public int start() throws Exception {
    int port = -1;
    if (config.http().enabled()) {
      vertx = Vertx.vertx();
      try {
        http =
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      switch (req.path()) {
                        case "/metrics" ->
                            req.response()
                                .putHeader(
                                    "content-type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(metrics.scrape());
                        case "/health" ->
                            req.response()
                                .putHeader("content-type", "application/json")
                                .end(health().encode());
                        default -> req.response().setStatusCode(404).end("not found\n");
                      }
                    })
                .listen(config.http().port(), config.http().bind())
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        Exception why = e.getCause() instanceof Exception c ? c : e;
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx = null;
        throw new PortRefused(config.http().listenPort().refusal(why), why);
      }
      port = http.actualPort();
      log.info("serving /health and /metrics on {}:{}", config.http().bind(), port);
    }
    companion.start(agent, worker);
    compressAhead.start();
    worker.execute(this::recover);
    worker.scheduleWithFixedDelay(
        this::check, 0, config.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    return port;
  }

  private JsonObject health() {
    Instant last = lastCheck.get();
    Instant running = checkStarted.get();
    Instant now = clock.instant();
    Duration window = config.checkInterval().multipliedBy(3);
    boolean fresh =
        last != null
            && (last.plus(window).isAfter(now)
                || running != null
                    && running.plus(window).plus(config.lock().acquireTimeout()).isAfter(now));
    LockOutage.State lock = agent.lockState();
    // An unreachable lock service is a state: the agent is up, but due logs wait for it.
    String status = !fresh ? "STARTING" : lock.available() ? "UP" : "DEGRADED";
    JsonObject lockJson =
        new JsonObject().put("backend", lock.backend()).put("available", lock.available());
    lock.unavailableSince().ifPresent(t -> lockJson.put("unavailableSince", t.toString()));
    lock.why().ifPresent(w -> lockJson.put("reason", w));
    JsonObject j =
        new JsonObject()
            .put("status", status)
            .put("node", config.node().id())
            .put("group", config.node().group())
            .put("lastCheck", last == null ? null : last.toString())
            .put("lock", lockJson);
    if (lastError.get() != null) {
      j.put("lastError", lastError.get());
    }
    return j;
  }

  private void recover() {
    try {
      agent.recover();
    } catch (Exception e) {
      lastError.set(e.getMessage());
      log.error("recovery of interrupted rotations failed: {}", e.getMessage(), e);
    }
  }

  private void check() {
    checkStarted.set(clock.instant());
    try {
      agent.checkOnce();
      lastCheck.set(clock.instant());
    } catch (RuntimeException e) {
      // A bug must not stop the loop: log it and try again next interval.
      lastError.set(String.valueOf(e.getMessage()));
      log.error("check cycle failed", e);
    } finally {
      checkStarted.set(null);
    }
  }

  @Override
  public void close() throws Exception {
    companion.stopping();
    compressAhead.close();
    worker.shutdown();
    if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
      worker.shutdownNow();
    }
    // After the worker: the last rotation's event is in the outbox before the last flush.
    companion.close();
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
