package io.fleetrotate.coordinator.metrics;

import io.fleetrotate.coordinator.alert.AlertEngine;
import io.fleetrotate.coordinator.alert.Severity;
import io.fleetrotate.coordinator.api.Unavailable;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.FleetState.FleetSummary;
import io.fleetrotate.coordinator.fleet.NodeState;
import io.fleetrotate.coordinator.fleet.RotationCount;
import io.fleetrotate.coordinator.fleet.SuccessTally;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.RotationEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's Prometheus metrics, {@code fleetrotate_} prefixed.
 *
 * <p>Two parts. Fleet-wide meters that change with traffic (counters, the rotation duration, lock
 * wait and compression histograms) are Micrometer meters. Series per node and per file are not:
 * with ten thousand nodes, one meter object per series costs memory and scrape time, so {@link
 * #exposition()} renders them straight from the fleet state, after Micrometer's part, as bytes:
 * each node's label sets are encoded once and reused while they stay the same ({@link
 * NodeLabelSets}), numbers are written without {@link Double#toString}. Each family is written once
 * with its HELP and TYPE, in the text format {@code promtool check metrics} accepts.
 */
public final class CoordinatorMetrics {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorMetrics.class);
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FleetState fleet;
  private volatile AlertEngine alerts;
  private final Counter heartbeats;
  private final Counter heartbeatsLimited;
  private final Counter heartbeatsOverNodeCap;
  private final Counter eventsNew;
  private final Counter eventsDuplicate;

  private final Map<String, GroupTimers> groupTimers = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> compression = new ConcurrentHashMap<>();

  /** Each tracked node's label sets by node id, kept from one scrape to the next. */
  private final Map<String, NodeLabelSets> labelSets = new HashMap<>();

  private long scrapes;

  public CoordinatorMetrics(FleetState fleet) {
    this.fleet = fleet;
    heartbeats = counter("fleetrotate_heartbeats_received", "Heartbeats accepted from agents");
    heartbeatsLimited =
        counter(
            "fleetrotate_heartbeats_rate_limited",
            "Heartbeats refused with 429 because a node sent too many");
    heartbeatsOverNodeCap =
        counter(
            "fleetrotate_heartbeats_over_node_cap",
            "Heartbeats refused with 429 because a new node exceeded limits.maxNodes");
    String received = "Rotation events received, by whether the event id was new";
    eventsNew = counter("fleetrotate_events_received", received, "outcome", "new");
    eventsDuplicate = counter("fleetrotate_events_received", received, "outcome", "duplicate");
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /**
   * Registers the history catch-up's meters (a cluster on the embedded store): failed catch-ups
   * with a peer, the peers whose catch-up waits for its retry, and the events read from peers.
   * Micrometer holds {@code source} weakly: its owner keeps it.
   */
  public <T> void catchUp(
      T source,
      ToLongFunction<T> failures,
      ToIntFunction<T> awaitingRetry,
      ToLongFunction<T> eventsRead) {
    FunctionCounter.builder("fleetrotate_catch_up_failures", source, s -> failures.applyAsLong(s))
        .description("History catch-ups with a peer that failed (each is retried after a backoff)")
        .register(registry);
    FunctionCounter.builder(
            "fleetrotate_catch_up_events_read", source, s -> eventsRead.applyAsLong(s))
        .description(
            "Events read from peers' stores by history catch-ups, failed ones included (a retry"
                + " resumes after the last page stored)")
        .register(registry);
    Gauge.builder("fleetrotate_catch_up_pending_peers", source, s -> awaitingRetry.applyAsInt(s))
        .description("Peers whose history catch-up failed and waits for its retry")
        .register(registry);
  }

  public void alerts(AlertEngine alerts) {
    this.alerts = alerts;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public static String contentType() {
    return CONTENT_TYPE;
  }

  public void heartbeatAccepted() {
    heartbeats.increment();
  }

  public void heartbeatRateLimited() {
    heartbeatsLimited.increment();
  }

  public void heartbeatOverNodeCap() {
    heartbeatsOverNodeCap.increment();
  }

  /** Counts a received batch: {@code fresh} are the events seen for the first time. */
  public void eventsReceived(int total, List<RotationEvent> fresh) {
    eventsNew.increment(fresh.size());
    eventsDuplicate.increment(total - fresh.size());
  }

  /** Adds one rotation, seen for the first time, to the histograms. */
  public void rotation(RotationEvent e) {
    GroupTimers timers = groupTimers.computeIfAbsent(e.group(), this::groupTimers);
    timers.duration().record(e.duration());
    timers.lockWait().record(Duration.ofMillis(e.lockWaitMs()));
    if (e.compressed()) {
      compression
          .computeIfAbsent(e.group(), this::compression)
          .record((double) e.bytesAfter() / e.bytesBefore());
    }
  }

  /**
   * A group's meters, registered at its first event and then kept here: looking them up in the
   * registry (building the id, filtering, hashing the tags) at every event cost more than
   * recording.
   */
  private record GroupTimers(Timer duration, Timer lockWait) {}

  private GroupTimers groupTimers(String group) {
    return new GroupTimers(
        Timer.builder("fleetrotate_rotation_duration")
            .description("Wall time of rotations, start to finish, as agents report them")
            .tag("group", group)
            .publishPercentileHistogram()
            .serviceLevelObjectives(Duration.ofSeconds(30))
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(30))
            .register(registry),
        Timer.builder("fleetrotate_lock_wait")
            .description("Time agents waited for their group's lease before rotating")
            .tag("group", group)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(registry));
  }

  /** Registered at the group's first compressed rotation, so other groups show no such series. */
  private DistributionSummary compression(String group) {
    return DistributionSummary.builder("fleetrotate_compression")
        .baseUnit("ratio")
        .description("Backup size over original size of compressed rotations")
        .tag("group", group)
        .serviceLevelObjectives(0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
        .register(registry);
  }

  /**
   * The whole exposition, in chunks: Micrometer's meters, then the series rendered from the fleet
   * state. Walks the whole fleet: call it on a worker thread.
   */
  public Exposition exposition() {
    Exposition out = new Exposition();
    try {
      registry.scrape(out);
    } catch (IOException e) {
      throw new UncheckedIOException("an exposition in memory cannot fail to write", e);
    }
    renderFleet(new TextWriter(out));
    return out;
  }

  /** The whole exposition as one string. */
  public String scrape() {
    return exposition().text();
  }

  private void renderFleet(TextWriter w) {
    Instant now = fleet.clock().instant();
    FleetSummary summary = fleet.summary();

    w.family("fleetrotate_nodes", "gauge", "Nodes by liveness state");
    for (NodeState s : NodeState.values()) {
      w.sample("fleetrotate_nodes", summary.nodes().get(s), "state", s.wireName());
    }

    w.family(
        "fleetrotate_fleet_disk_used_ratio",
        "gauge",
        "Spread over nodes of each node's fullest log mount: max, p95, mean");
    w.sample("fleetrotate_fleet_disk_used_ratio", summary.disk().max(), "stat", "max");
    w.sample("fleetrotate_fleet_disk_used_ratio", summary.disk().p95(), "stat", "p95");
    w.sample("fleetrotate_fleet_disk_used_ratio", summary.disk().mean(), "stat", "mean");

    w.family(
        "fleetrotate_fleet_rotation_success_ratio",
        "gauge",
        "Fleet-wide successful over attempted rotations (skipped excluded); 1 without attempts");
    w.sample("fleetrotate_fleet_rotation_success_ratio", ratio(summary.lastHour()), "window", "1h");
    w.sample("fleetrotate_fleet_rotation_success_ratio", ratio(summary.lastDay()), "window", "24h");

    w.family("fleetrotate_alerts_firing", "gauge", "Alerts firing, by severity");
    firingBySeverity()
        .ifPresent(
            firing -> {
              for (Severity s : Severity.values()) {
                w.sample(
                    "fleetrotate_alerts_firing",
                    firing.getOrDefault(s, 0),
                    "severity",
                    s.wireName());
              }
            });

    renderNodes(w, now);
  }

  /**
   * The per-node families, each node's label sets reused from the last scrape ({@link
   * NodeLabelSets}). One scrape renders at a time: they share those sets.
   */
  private void renderNodes(TextWriter w, Instant now) {
    synchronized (labelSets) {
      long scrape = ++scrapes;
      List<TrackedNode> nodes = new ArrayList<>(fleet.allNodes());
      NodeLabelSets[] sets = new NodeLabelSets[nodes.size()];
      for (int i = 0; i < sets.length; i++) {
        sets[i] = labelSets.computeIfAbsent(nodes.get(i).nodeId(), NodeLabelSets::new);
        sets[i].scrape = scrape;
      }
      labelSets.values().removeIf(s -> s.scrape != scrape);

      w.family(NodeFamily.DISK_USED);
      for (int i = 0; i < sets.length; i++) {
        NodeHeartbeat hb = nodes.get(i).heartbeat();
        if (hb != null) {
          List<DiskUsage> disks = hb.disks();
          for (int d = 0; d < disks.size(); d++) {
            DiskUsage disk = disks.get(d);
            byte[] labels = sets[i].get(NodeFamily.DISK_USED, d, hb.group(), disk.mount(), null);
            w.sample(NodeFamily.DISK_USED, labels, disk.usedRatio());
          }
        }
      }
      w.family(NodeFamily.MISSED_HEARTBEATS);
      long nowMillis = now.toEpochMilli();
      for (int i = 0; i < sets.length; i++) {
        TrackedNode n = nodes.get(i);
        NodeHeartbeat hb = n.heartbeat();
        if (hb != null) {
          byte[] labels = sets[i].get(NodeFamily.MISSED_HEARTBEATS, 0, hb.group(), null, null);
          w.sample(
              NodeFamily.MISSED_HEARTBEATS,
              labels,
              Math.floor(
                  Math.max(0, nowMillis - n.lastHeartbeat().toEpochMilli())
                      / (double) n.heartbeatInterval().toMillis()));
        }
      }
      w.family(NodeFamily.FILE_GROWTH);
      for (int i = 0; i < sets.length; i++) {
        NodeHeartbeat hb = nodes.get(i).heartbeat();
        if (hb != null) {
          List<FileStatus> files = hb.files();
          for (int f = 0; f < files.size(); f++) {
            FileStatus file = files.get(f);
            byte[] labels = sets[i].get(NodeFamily.FILE_GROWTH, f, file.path(), null, null);
            w.sample(NodeFamily.FILE_GROWTH, labels, file.growthBytesPerSecond());
          }
        }
      }
      w.family(NodeFamily.ROTATIONS);
      for (int i = 0; i < sets.length; i++) {
        List<RotationCount> counts = nodes.get(i).rotationCounts();
        byte[] lines = sets[i].rotationLines(counts);
        if (lines != null) {
          w.repeat(lines);
          continue;
        }
        long from = w.position();
        for (int c = 0; c < counts.size(); c++) {
          RotationCount count = counts.get(c);
          byte[] labels =
              sets[i].get(
                  NodeFamily.ROTATIONS,
                  c,
                  count.group(),
                  count.result().name(),
                  count.reasonLabel());
          w.sample(NodeFamily.ROTATIONS, labels, count.count());
        }
        sets[i].rotationLines(counts, w.since(from));
      }
      w.family(NodeFamily.LOCK_AVAILABLE);
      for (int i = 0; i < sets.length; i++) {
        NodeHeartbeat hb = nodes.get(i).heartbeat();
        if (hb != null && hb.lock() != null) {
          byte[] labels =
              sets[i].get(NodeFamily.LOCK_AVAILABLE, 0, hb.lock().backend(), null, null);
          w.sample(NodeFamily.LOCK_AVAILABLE, labels, hb.lock().available() ? 1 : 0);
        }
      }
      w.family(NodeFamily.SUCCESS_RATIO);
      for (int i = 0; i < sets.length; i++) {
        SuccessTally t = nodes.get(i).lastHour(now);
        if (t.attempts() > 0) {
          byte[] labels = sets[i].get(NodeFamily.SUCCESS_RATIO, 0, null, null, null);
          w.sample(NodeFamily.SUCCESS_RATIO, labels, t.ratio());
        }
      }
    }
  }

  /**
   * The alert counts; none while the cluster holding them cannot be reached: the family is then
   * without samples and every other series is still served.
   */
  private Optional<Map<Severity, Integer>> firingBySeverity() {
    AlertEngine engine = alerts;
    if (engine == null) {
      return Optional.of(Map.of());
    }
    try {
      return Optional.of(engine.firingBySeverity());
    } catch (RuntimeException e) {
      if (Unavailable.sentence(e).isEmpty()) {
        throw e;
      }
      log.warn("scrape without fleetrotate_alerts_firing: {}", e.toString());
      return Optional.empty();
    }
  }

  private static double ratio(SuccessTally t) {
    return t.attempts() == 0 ? 1.0 : t.ratio();
  }
}
