package io.fleetrotate.coordinator.alert;

import io.fleetrotate.coordinator.config.CoordinatorConfig.AlertRules;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.LastRotation;
import io.fleetrotate.coordinator.fleet.NodeState;
import io.fleetrotate.coordinator.fleet.SuccessTally;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Evaluates the built-in alert rules against the fleet state, when asked (the coordinator asks
 * periodically). Each alert is keyed by rule, node and mount or file: it fires once, is repeated at
 * most once per cooldown while it keeps firing, and a resolve notice follows when it clears.
 *
 * <p>The rules, with the thresholds of {@code alerts.rules}:
 *
 * <ul>
 *   <li>{@code diskUsedRatio} (emergency): a mount holding watched logs is fuller than the ratio.
 *   <li>{@code successRatio1h} (critical): of a node's rotations that finished in the last hour,
 *       fewer succeeded than the ratio (skipped ones count as neither).
 *   <li>{@code rotationSeconds} (warning): the last rotation of a file, finished within the hour,
 *       took longer than the threshold.
 *   <li>{@code growthBytesPerHour} (warning): a watched log grows faster than the threshold.
 *   <li>{@code nodeDown} (critical): a node missed {@code liveness.downAfter} heartbeats.
 *   <li>{@code lockUnavailable} (critical): a node's agent has not reached its lock service for
 *       {@code lockDownAfter}; its due logs wait. One alert per node for the whole outage, where
 *       each deferred rotation is a skipped one and so no failure in {@code successRatio1h}.
 *   <li>{@code compressionRatio} (info): the last compressed backup of a file, within a day, is
 *       larger than the ratio of its original.
 * </ul>
 */
public final class AlertEngine {
  private static final int RECENT_NOTICES = 200;
  private static final Duration SLOW_WINDOW = Duration.ofHours(1);
  private static final Duration COMPRESSION_WINDOW = Duration.ofDays(1);

  private final AlertRules rules;
  private final Duration cooldown;
  private final FleetState fleet;
  private final Clock clock;
  private final Consumer<Notice> sink;
  private final FiringStates states;
  private final BooleanSupplier decides;
  private final Deque<Notice> recent = new ArrayDeque<>();
  private final Map<Rule, Check> table = table();

  /**
   * An engine of one coordinator, holding its own firing states.
   *
   * @param sink receives every notice, on the evaluating thread; it must not block (send on another
   *     thread)
   */
  public AlertEngine(
      AlertRules rules, Duration cooldown, FleetState fleet, Clock clock, Consumer<Notice> sink) {
    this(rules, cooldown, fleet, clock, sink, FiringStates.local(), () -> true);
  }

  /**
   * @param states where the firing alerts are held (shared by a cluster's members)
   * @param decides whether this coordinator evaluates now: in a cluster, the leader alone does, so
   *     that members whose views of the fleet differ by a heartbeat do not fire and resolve in
   *     turn; the others serve the states it holds
   */
  public AlertEngine(
      AlertRules rules,
      Duration cooldown,
      FleetState fleet,
      Clock clock,
      Consumer<Notice> sink,
      FiringStates states,
      BooleanSupplier decides) {
    this.rules = rules;
    this.cooldown = cooldown;
    this.fleet = fleet;
    this.clock = clock;
    this.sink = sink;
    this.states = states;
    this.decides = decides;
  }

  /**
   * Evaluates every rule now, if this coordinator decides, and sends the notices that follow (each
   * only when its state change won); returns them.
   */
  public synchronized List<Notice> evaluate() {
    if (!decides.getAsBoolean()) {
      return List.of();
    }
    Instant now = clock.instant();
    Map<AlertKey, Alert> current = conditions(now);
    Map<AlertKey, Firing> held = states.all();
    List<Notice> notices = new ArrayList<>();
    for (Alert alert : current.values()) {
      Firing f = held.get(alert.key());
      if (f == null) {
        if (states.fire(new Firing(alert, now))) {
          notices.add(new Notice(Notice.Kind.FIRED, alert, now));
        }
        continue;
      }
      Alert updated =
          new Alert(
              alert.key(),
              alert.severity(),
              alert.summary(),
              alert.value(),
              alert.threshold(),
              f.alert().since());
      boolean repeat = !now.isBefore(f.lastNotified().plus(cooldown));
      Firing next = new Firing(updated, repeat ? now : f.lastNotified());
      if (!next.equals(f) && states.replace(f, next) && repeat) {
        notices.add(new Notice(Notice.Kind.REPEATED, updated, now));
      }
    }
    for (Firing f : held.values()) {
      if (!current.containsKey(f.alert().key()) && states.resolve(f)) {
        notices.add(new Notice(Notice.Kind.RESOLVED, f.alert(), now));
      }
    }
    for (Notice n : notices) {
      recent.addFirst(n);
      if (recent.size() > RECENT_NOTICES) {
        recent.removeLast();
      }
      sink.accept(n);
    }
    return notices;
  }

  /**
   * The alerts firing as of the last evaluation (the cluster's, in a cluster), most severe first.
   */
  public List<Alert> firing() {
    List<Alert> out = new ArrayList<>();
    states.all().values().forEach(f -> out.add(f.alert()));
    out.sort(
        Comparator.comparing(Alert::severity)
            .thenComparing(Alert::since)
            .thenComparing(a -> a.key().toString()));
    return out;
  }

  /** How many alerts fire, by severity (every severity present, possibly 0). */
  public Map<Severity, Integer> firingBySeverity() {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    states.all().values().forEach(f -> counts.merge(f.alert().severity(), 1, Integer::sum));
    return counts;
  }

  /**
   * The last notices this coordinator sent (fired, repeated, resolved), newest first. In a cluster
   * they are the leader's: another member lists those it sent while it led.
   */
  /** The last notices sent (fired, repeated, resolved), newest first. */
  public synchronized List<Notice> recentNotices() {
    return List.copyOf(recent);
  }

  /** What a rule reports for one node: each subject (mount, file or "") past its threshold. */
  @FunctionalInterface
  private interface Check {
    void of(TrackedNode node, Instant now, Hit hit);
  }

  @FunctionalInterface
  private interface Hit {
    void fire(String subject, double value, double threshold, String summary);
  }

  /** The rule table: each rule and the check that measures it, in the order they are reported. */
  private Map<Rule, Check> table() {
    Map<Rule, Check> t = new LinkedHashMap<>();
    t.put(Rule.DISK_USED_RATIO, this::diskUsedRatio);
    t.put(Rule.GROWTH_BYTES_PER_HOUR, this::growthBytesPerHour);
    t.put(Rule.NODE_DOWN, this::nodeDown);
    t.put(Rule.LOCK_UNAVAILABLE, this::lockUnavailable);
    t.put(Rule.SUCCESS_RATIO_1H, this::successRatio1h);
    t.put(Rule.ROTATION_SECONDS, this::rotationSeconds);
    t.put(Rule.COMPRESSION_RATIO, this::compressionRatio);
    return t;
  }

  private Map<AlertKey, Alert> conditions(Instant now) {
    Map<AlertKey, Alert> out = new LinkedHashMap<>();
    for (TrackedNode node : fleet.allNodes()) {
      String id = node.nodeId();
      table.forEach(
          (rule, check) ->
              check.of(
                  node,
                  now,
                  (subject, value, threshold, summary) -> {
                    AlertKey key = new AlertKey(rule.id, id, subject);
                    out.put(key, new Alert(key, rule.severity, summary, value, threshold, now));
                  }));
    }
    return out;
  }

  private void diskUsedRatio(TrackedNode node, Instant now, Hit hit) {
    NodeHeartbeat hb = node.heartbeat();
    if (hb == null) {
      return;
    }
    for (DiskUsage d : hb.disks()) {
      if (d.usedRatio() > rules.diskUsedRatio()) {
        hit.fire(
            d.mount(),
            d.usedRatio(),
            rules.diskUsedRatio(),
            String.format(
                Locale.ROOT,
                "%s on %s is %.1f%% full (threshold %.0f%%)",
                d.mount(),
                node.nodeId(),
                100 * d.usedRatio(),
                100 * rules.diskUsedRatio()));
      }
    }
  }

  private void growthBytesPerHour(TrackedNode node, Instant now, Hit hit) {
    NodeHeartbeat hb = node.heartbeat();
    if (hb == null) {
      return;
    }
    for (FileStatus f : hb.files()) {
      double perHour = f.growthBytesPerSecond() * 3600;
      if (perHour > rules.growthBytesPerHour()) {
        hit.fire(
            f.path(),
            perHour,
            rules.growthBytesPerHour(),
            String.format(
                Locale.ROOT,
                "%s on %s grows %.1f MB/h (threshold %.1f MB/h)",
                f.path(),
                node.nodeId(),
                perHour / 1e6,
                rules.growthBytesPerHour() / 1e6));
      }
    }
  }

  private void nodeDown(TrackedNode node, Instant now, Hit hit) {
    if (node.heartbeat() != null && rules.nodeDown() && fleet.state(node) == NodeState.DOWN) {
      hit.fire(
          "",
          Duration.between(node.lastHeartbeat(), now).toSeconds(),
          node.heartbeatInterval().toSeconds(),
          "node " + node.nodeId() + " sent no heartbeat since " + node.lastHeartbeat());
    }
  }

  /** A down node's last lock state is old news: nodeDown covers it. */
  private void lockUnavailable(TrackedNode node, Instant now, Hit hit) {
    NodeHeartbeat hb = node.heartbeat();
    if (hb == null
        || hb.lock() == null
        || hb.lock().available()
        || fleet.state(node) == NodeState.DOWN) {
      return;
    }
    Duration down = Duration.between(hb.lock().unavailableSince(), now);
    if (down.compareTo(rules.lockDownAfter()) >= 0) {
      hit.fire(
          hb.lock().backend(),
          down.toSeconds(),
          rules.lockDownAfter().toSeconds(),
          String.format(
              Locale.ROOT,
              "%s has not reached its %s lock service since %s (%s, threshold %s); its due logs"
                  + " wait for it",
              node.nodeId(),
              hb.lock().backend(),
              hb.lock().unavailableSince(),
              human(down),
              human(rules.lockDownAfter())));
    }
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : (s / 3600) + " h";
  }

  private void successRatio1h(TrackedNode node, Instant now, Hit hit) {
    SuccessTally hour = node.lastHour(now);
    if (hour.attempts() > 0 && hour.ratio() < rules.successRatio1h()) {
      hit.fire(
          "",
          hour.ratio(),
          rules.successRatio1h(),
          String.format(
              Locale.ROOT,
              "%d of %d rotations on %s succeeded in the last hour (%.1f%%, threshold %.0f%%)",
              hour.successes(),
              hour.attempts(),
              node.nodeId(),
              100 * hour.ratio(),
              100 * rules.successRatio1h()));
    }
  }

  private void rotationSeconds(TrackedNode node, Instant now, Hit hit) {
    for (LastRotation r : node.lastRotations()) {
      double seconds = r.durationMillis() / 1000.0;
      if (seconds > rules.rotationSeconds() && r.finishedAt().isAfter(now.minus(SLOW_WINDOW))) {
        hit.fire(
            r.path(),
            seconds,
            rules.rotationSeconds(),
            String.format(
                Locale.ROOT,
                "rotating %s on %s took %.1f s (threshold %.0f s)",
                r.path(),
                node.nodeId(),
                seconds,
                rules.rotationSeconds()));
      }
    }
  }

  private void compressionRatio(TrackedNode node, Instant now, Hit hit) {
    for (LastRotation r : node.lastRotations()) {
      if (r.compressedAt() != null
          && r.compressionRatio() > rules.compressionRatio()
          && r.compressedAt().isAfter(now.minus(COMPRESSION_WINDOW))) {
        hit.fire(
            r.path(),
            r.compressionRatio(),
            rules.compressionRatio(),
            String.format(
                Locale.ROOT,
                "the last backup of %s on %s is %.0f%% of the original (threshold %.0f%%)",
                r.path(),
                node.nodeId(),
                100 * r.compressionRatio(),
                100 * rules.compressionRatio()));
      }
    }
  }
}
