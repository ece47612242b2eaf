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
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's Prometheus metrics, {@code fleetrotate_} prefixed.
 *
 * <p>Two parts. Fleet-wide meters that change with traffic (counters, the rotation duration, lock
 * wait and compression histograms) are Micrometer meters. Series per node and per file are not:
 * with ten thousand nodes, one meter object per series costs memory and scrape time, so {@link
 * #scrape()} renders them straight from the fleet state, after Micrometer's part. Each family is
 * written once with its HELP and TYPE, in the text format {@code promtool check metrics} accepts.
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
    Timer.builder("fleetrotate_rotation_duration")
        .description("Wall time of rotations, start to finish, as agents report them")
        .tag("group", e.group())
        .publishPercentileHistogram()
        .serviceLevelObjectives(Duration.ofSeconds(30))
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofMinutes(30))
        .register(registry)
        .record(e.duration());
    Timer.builder("fleetrotate_lock_wait")
        .description("Time agents waited for their group's lease before rotating")
        .tag("group", e.group())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(registry)
        .record(Duration.ofMillis(e.lockWaitMs()));
    if (e.bytesBefore() > 0 && !"none".equals(e.codec()) && e.result().name().equals("SUCCESS")) {
      DistributionSummary.builder("fleetrotate_compression")
          .baseUnit("ratio")
          .description("Backup size over original size of compressed rotations")
          .tag("group", e.group())
          .serviceLevelObjectives(0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
          .register(registry)
          .record((double) e.bytesAfter() / e.bytesBefore());
    }
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

    List<TrackedNode> nodes = fleet.nodes();
    w.family(
        "fleetrotate_node_disk_used_ratio", "gauge", "Used fraction of each node's log mounts");
    for (TrackedNode n : nodes) {
      NodeHeartbeat hb = n.heartbeat();
      for (DiskUsage d : hb.disks()) {
        w.sample(
            "fleetrotate_node_disk_used_ratio",
            d.usedRatio(),
            "node",
            n.nodeId(),
            "group",
            hb.group(),
            "mount",
            d.mount());
      }
    }
    w.family(
        "fleetrotate_node_missed_heartbeats",
        "gauge",
        "Heartbeat intervals since the node's last heartbeat; stale from liveness.staleAfter,"
            + " down from liveness.downAfter");
    long nowMillis = now.toEpochMilli();
    for (TrackedNode n : nodes) {
      w.sample(
          "fleetrotate_node_missed_heartbeats",
          Math.floor(
              Math.max(0, nowMillis - n.lastHeartbeat().toEpochMilli())
                  / (double) n.heartbeatInterval().toMillis()),
          "node",
          n.nodeId(),
          "group",
          n.heartbeat().group());
    }
    w.family(
        "fleetrotate_file_growth_bytes_per_second",
        "gauge",
        "Growth of each watched log as its agent reports it");
    for (TrackedNode n : nodes) {
      for (FileStatus f : n.heartbeat().files()) {
        w.sample(
            "fleetrotate_file_growth_bytes_per_second",
            f.growthBytesPerSecond(),
            "node",
            n.nodeId(),
            "path",
            f.path());
      }
    }
    w.family(
        "fleetrotate_rotations_total",
        "counter",
        "Rotations by node, group, result and failure reason; each event id counted once");
    for (TrackedNode n : fleet.allNodes()) {
      for (RotationCount c : n.rotationCounts()) {
        w.sample(
            "fleetrotate_rotations_total",
            c.count(),
            "node",
            n.nodeId(),
            "group",
            c.group(),
            "result",
            c.result().name(),
            "reason",
            c.reasonLabel());
      }
    }
    w.family(
        "fleetrotate_lock_available",
        "gauge",
        "Per node, 1 while its agent reaches its lock service, 0 while its due logs wait for it;"
            + " only nodes whose agent reports it (protocol 1.1)");
    for (TrackedNode n : fleet.allNodes()) {
      NodeHeartbeat hb = n.heartbeat();
      if (hb != null && hb.lock() != null) {
        w.sample(
            "fleetrotate_lock_available",
            hb.lock().available() ? 1 : 0,
            "node",
            n.nodeId(),
            "backend",
            hb.lock().backend());
      }
    }
    w.family(
        "fleetrotate_node_rotation_success_ratio",
        "gauge",
        "Per node, successful over attempted rotations in the last hour; only nodes with attempts");
    for (TrackedNode n : fleet.allNodes()) {
      SuccessTally t = n.lastHour(now);
      if (t.attempts() > 0) {
        w.sample("fleetrotate_node_rotation_success_ratio", t.ratio(), "node", n.nodeId());
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
