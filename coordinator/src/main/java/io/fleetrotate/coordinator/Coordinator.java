package io.fleetrotate.coordinator;

import io.fleetrotate.config.advice.AdvicePolicy;
import io.fleetrotate.coordinator.advice.FleetAdvisor;
import io.fleetrotate.coordinator.advice.FleetGrowth;
import io.fleetrotate.coordinator.alert.AlertEngine;
import io.fleetrotate.coordinator.alert.NoticeDispatcher;
import io.fleetrotate.coordinator.api.ApiDependencies;
import io.fleetrotate.coordinator.api.ApiVerticle;
import io.fleetrotate.coordinator.api.Unavailable;
import io.fleetrotate.coordinator.cluster.ClusterCommands;
import io.fleetrotate.coordinator.cluster.ClusterFiringStates;
import io.fleetrotate.coordinator.cluster.ClusterMember;
import io.fleetrotate.coordinator.cluster.ClusterSync;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.RestoredRotations;
import io.fleetrotate.coordinator.history.SavedNode;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.coordinator.metrics.CoordinatorMetrics;
import io.fleetrotate.proto.DaemonThreads;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running coordinator: the history store, the fleet state, alerts, metrics and the HTTP API,
 * wired together. {@link #start} restores history and node state from the store directory and
 * begins serving; {@link #close} saves the node state and stops.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  static final Duration ALERT_INTERVAL = Duration.ofSeconds(10);
  static final Duration SNAPSHOT_INTERVAL = Duration.ofSeconds(30);
  static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
  static final Duration NODE_SHARE_INTERVAL = Duration.ofSeconds(1);

  private final CoordinatorConfig config;
  private final Clock clock;
  private final HistoryStore history;
  private final FleetState fleet;
  private final FleetGrowth growth = new FleetGrowth();
  private final CoordinatorMetrics metrics;
  private final AlertEngine alerts;
  private final NoticeDispatcher dispatcher;
  // Counts stored events into the fleet state and metrics, one batch at a time, in commit order.
  private final ExecutorService counter =
      Executors.newSingleThreadExecutor(DaemonThreads.named("fleetrotate-ingest-count"));
  private final Vertx vertx;
  private final ClusterMember member;
  private ClusterSync sync;
  private final List<Long> timers = new ArrayList<>();
  private int port;
  private volatile boolean closed;

  private Coordinator(
      CoordinatorConfig config, Clock clock, HistoryStore history, ClusterMember member) {
    this.config = config;
    this.clock = clock;
    this.history = history;
    this.member = member;
    this.fleet =
        new FleetState(
            clock,
            new FleetState.NodeLimits(
                config.liveness().staleAfter(),
                config.liveness().downAfter(),
                config.rateLimit().heartbeatsPerNodePerMinute(),
                config.limits().maxNodes()));
    fleet.onHeartbeat(growth::heartbeat);
    this.metrics = new CoordinatorMetrics(fleet);
    this.dispatcher = new NoticeDispatcher(config.alerts().webhooks());
    // In a cluster the oldest member evaluates alerts and sends the notices; the firing states are
    // the cluster's, so its successor carries on where it stopped and every member serves them.
    this.alerts =
        member == null
            ? new AlertEngine(
                config.alerts().rules(), config.alerts().cooldown(), fleet, clock, dispatcher)
            : new AlertEngine(
                config.alerts().rules(),
                config.alerts().cooldown(),
                fleet,
                clock,
                dispatcher,
                new ClusterFiringStates(member),
                member::isLeader);
    metrics.alerts(alerts);
    this.vertx = Vertx.vertx();
  }

  /**
   * Opens the store, restores state and starts serving.
   *
   * @throws IOException if the store directory cannot be used
   * @throws Exception if the HTTP server cannot listen (port taken, bad TLS files)
   */
  public static Coordinator start(CoordinatorConfig config, Clock clock) throws Exception {
    HistoryStore history = openHistory(config.store(), clock);
    ClusterMember member = null;
    try {
      if (config.hazelcast().enabled()) {
        member = ClusterMember.start(config.hazelcast(), config.store().retention());
      }
    } catch (RuntimeException e) {
      history.close();
      throw e;
    }
    Coordinator c = new Coordinator(config, clock, history, member);
    try {
      c.restore();
      c.joinCluster();
      c.serve();
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The embedded database in the store directory, or the configured PostgreSQL server. */
  private static HistoryStore openHistory(CoordinatorConfig.Store store, Clock clock)
      throws IOException {
    if (store.postgres().isPresent()) {
      CoordinatorConfig.Postgres pg = store.postgres().get();
      return SqlHistoryStore.openPostgres(
          pg.url(), pg.user(), pg.password(), pg.poolSize(), store.retention(), clock);
    }
    return SqlHistoryStore.openEmbedded(store.dir(), store.retention(), clock);
  }

  /**
   * Restores the node snapshot and what the fleet state counts from the history, from the store's
   * summaries: a start costs the size of the fleet, not of the history. The rotation duration, lock
   * wait and compression histograms of {@code /metrics} start empty, as a Prometheus counter does
   * after a restart.
   */
  private void restore() throws IOException {
    List<SavedNode> saved = history.loadNodes();
    saved.forEach(n -> fleet.restore(n.heartbeat(), n.receivedAt(), n.interval()));
    RestoredRotations stored = history.restoredRotations(clock.instant());
    stored.counts().forEach(n -> fleet.restoreCount(n.node(), n.count()));
    stored.latest().forEach(n -> fleet.restoreLastRotation(n.node(), n.last()));
    for (RestoredRotations.Bucket b : stored.fleetDay()) {
      fleet.restoreSuccesses(null, b.start(), b.successes(), b.failures());
    }
    for (RestoredRotations.Bucket b : stored.nodeHour()) {
      fleet.restoreSuccesses(b.node(), b.start(), b.successes(), b.failures());
    }
    log.info(
        "restored {} nodes, {} rotation events counted ({} files)",
        saved.size(),
        history.size(),
        stored.latest().size());
  }

  private void joinCluster() throws Exception {
    if (member == null) {
      return;
    }
    sync =
        new ClusterSync(
            member,
            fleet,
            history,
            config.store().retention(),
            config.store().postgres().isPresent(),
            events -> ingest(events, false),
            this::count);
    if (config.store().postgres().isEmpty()) {
      metrics.catchUp(
          sync,
          ClusterSync::catchUpFailures,
          ClusterSync::peersAwaitingRetry,
          ClusterSync::catchUpEventsRead);
    }
    sync.start();
    fleet.shareCommands(new ClusterCommands(member));
    fleet.onHeartbeat(
        node -> {
          growth.heartbeat(node);
          sync.nodeUpdated(node);
        });
  }

  private JsonObject health() {
    if (member == null) {
      return new JsonObject().put("cluster", new JsonObject().put("enabled", false));
    }
    JsonObject cluster = new JsonObject().put("enabled", true);
    try {
      cluster
          .put("members", member.members())
          .put("leader", member.isLeader())
          .put("available", true);
    } catch (RuntimeException e) {
      if (Unavailable.sentence(e).isEmpty()) {
        throw e;
      }
      // Health says what is wrong rather than failing: this member is out of its cluster.
      cluster.put("available", false);
    }
    return new JsonObject().put("cluster", cluster);
  }

  private void serve() throws Exception {
    ApiDependencies deps =
        new ApiDependencies(
            config,
            fleet,
            history,
            events -> ingest(events, true),
            alerts,
            metrics,
            new WireCodec(),
            this::health,
            new FleetAdvisor(fleet, growth, AdvicePolicy.DEFAULTS));
    // Instances of one deployment share the listening socket, one event loop each. A random port
    // (0, in tests) cannot be shared that way, so it gets one instance.
    int instances =
        config.http().port() == 0
            ? 1
            : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    List<ApiVerticle> deployed = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(
        vertx
            .deployVerticle(
                () -> {
                  ApiVerticle v = new ApiVerticle(deps, config.http().port());
                  deployed.add(v);
                  return v;
                },
                new DeploymentOptions().setInstances(instances))
            .toCompletionStage()
            .toCompletableFuture());
    port = deployed.get(0).actualPort();
    every(ALERT_INTERVAL, alerts::evaluate);
    every(SNAPSHOT_INTERVAL, this::saveNodesQuietly);
    every(SWEEP_INTERVAL, () -> history.sweep(clock.instant()));
    if (sync != null) {
      every(NODE_SHARE_INTERVAL, sync::flushNodes);
    }
    String bind = config.http().bind();
    String host = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    log.info(
        "coordinator listening on {}://{}:{}{} (dashboard at /, API at /api/v1), store {}",
        config.http().tls().isPresent() ? "https" : "http",
        host,
        port,
        bind.equals("0.0.0.0") ? " (every interface)" : "",
        config.store().postgres().map(Object::toString).orElse(config.store().dir().toString()));
  }

  /**
   * Stores a batch and counts the new events once: the path of POST /api/v1/events, and of events
   * another coordinator received.
   *
   * @param publish whether to share the new ones with the cluster (not when they came from it)
   */
  CompletableFuture<List<RotationEvent>> ingest(List<RotationEvent> events, boolean publish) {
    return history
        .append(events)
        // Counted on a thread of its own rather than the store's writer thread, which completes
        // the append: the writer goes on to the next commit while this batch is counted.
        .thenComposeAsync(
            fresh -> {
              // Stored means counted: a counting bug on one event must not skip the others.
              for (RotationEvent e : fresh) {
                count(e);
              }
              if (publish && sync != null) {
                // Acknowledge only once the cluster has them: the ack must survive this member.
                return sync.publish(fresh).thenApply(ignored -> fresh);
              }
              return CompletableFuture.completedFuture(fresh);
            },
            counter);
  }

  private void count(RotationEvent e) {
    try {
      fleet.recordRotation(e);
      metrics.rotation(e);
    } catch (RuntimeException bug) {
      log.error("stored event {} could not be counted: {}", e.eventId(), bug.toString());
    }
  }

  private void every(Duration period, Runnable task) {
    timers.add(
        vertx.setPeriodic(
            period.toMillis(),
            id ->
                vertx
                    .executeBlocking(
                        () -> {
                          task.run();
                          return null;
                        },
                        true)
                    .onFailure(e -> log.error("periodic task failed", e))));
  }

  private void saveNodesQuietly() {
    try {
      saveNodes();
    } catch (IOException e) {
      log.warn("could not save the node snapshot: {}", e.toString());
    }
  }

  private void saveNodes() throws IOException {
    List<SavedNode> nodes = new ArrayList<>();
    for (TrackedNode n : fleet.nodes()) {
      nodes.add(new SavedNode(n.heartbeat(), n.lastHeartbeat(), n.heartbeatInterval()));
    }
    history.saveNodes(nodes);
  }

  /** The HTTP port, as bound (useful when configured as 0). */
  public int port() {
    return port;
  }

  public FleetState fleet() {
    return fleet;
  }

  public AlertEngine alerts() {
    return alerts;
  }

  public HistoryStore history() {
    return history;
  }

  public CoordinatorMetrics metrics() {
    return metrics;
  }

  public Clock clock() {
    return clock;
  }

  /** Stops serving, saves the node state and closes the store. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timers.forEach(vertx::cancelTimer);
    try {
      await(vertx.close().toCompletionStage().toCompletableFuture());
    } catch (Exception e) {
      log.warn("unclean HTTP stop: {}", e.toString());
    }
    try {
      saveNodes();
    } catch (IOException e) {
      log.warn("could not save the node snapshot at stop: {}", e.toString());
    }
    if (sync != null) {
      sync.close();
      try {
        sync.flushNodes();
      } catch (RuntimeException e) {
        log.warn("could not share the last node states: {}", e.toString());
      }
    }
    if (member != null) {
      member.close();
    }
    history.close();
    // After the store: the appends it completed while closing are counted before this stops.
    counter.shutdown();
    try {
      if (!counter.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("stored events were still being counted after 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.close();
  }

  /** The embedded Hazelcast member, if enabled. */
  public Optional<ClusterMember> cluster() {
    return Optional.ofNullable(member);
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
