package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.CommandType;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's view of the fleet: every node's last heartbeat, liveness, pending commands and
 * rotation tallies, and the fleet-wide success windows. Thread-safe; handlers on any thread update
 * and read it without blocking on I/O.
 *
 * <p>Rotation events must be recorded once per event id ({@link #recordRotation} does not dedup:
 * the history store decides what is new).
 */
public final class FleetState {
  /** Commands a node may have pending; more are refused until it heartbeats. */
  public static final int MAX_PENDING_COMMANDS = 100;

  private static final Logger log = LoggerFactory.getLogger(FleetState.class);
  private static final long CAP_LOG_INTERVAL_MILLIS = Duration.ofMinutes(1).toMillis();
  private static final long FLEET_BUCKET_MILLIS = Duration.ofMinutes(5).toMillis();
  private static final int DAY_BUCKETS = 288;
  private static final int HOUR_BUCKETS = 12;

  private final Clock clock;
  private final NodeLimits limits;
  private final Object newNodes = new Object();
  private long lastCapLog = Long.MIN_VALUE / 2; // guarded by newNodes
  private final ConcurrentHashMap<String, TrackedNode> nodes = new ConcurrentHashMap<>();
  // Nodes that have sent a heartbeat: /health reads it without walking the map.
  private final AtomicInteger reporting = new AtomicInteger();
  private final Interner interner = new Interner();
  private final SuccessWindow fleetDay = new SuccessWindow(FLEET_BUCKET_MILLIS, DAY_BUCKETS);
  private volatile Consumer<TrackedNode> heartbeatListener = n -> {};
  private volatile PendingCommands commands = new LocalCommands();

  /**
   * When a node counts as stale or down, and how much the fleet state takes from nodes.
   *
   * @param staleAfter missed heartbeats after which a node is stale
   * @param downAfter missed heartbeats after which a node is down
   * @param heartbeatsPerMinute heartbeats a node may send per minute; faster ones are refused
   * @param maxNodes how many nodes may be tracked; a heartbeat from a node beyond them is refused
   */
  public record NodeLimits(int staleAfter, int downAfter, int heartbeatsPerMinute, int maxNodes) {}

  public FleetState(Clock clock, NodeLimits limits) {
    this.clock = clock;
    this.limits = limits;
  }

  public Clock clock() {
    return clock;
  }

  /** Called after every accepted heartbeat, on the thread that recorded it; must not block. */
  public void onHeartbeat(Consumer<TrackedNode> listener) {
    this.heartbeatListener = listener;
  }

  /**
   * Keeps pending commands in {@code shared} (the cluster's) instead of this coordinator's memory.
   * Call before serving.
   */
  public void shareCommands(PendingCommands shared) {
    this.commands = shared;
  }

  /**
   * Records a heartbeat unless the node exceeds its rate or is a new node beyond {@code maxNodes},
   * and hands over the node's pending commands.
   */
  public HeartbeatOutcome heartbeat(NodeHeartbeat heartbeat) {
    TrackedNode node = nodes.get(heartbeat.nodeId());
    if (node == null) {
      // New nodes one at a time, so that the cap is exact; known nodes never wait here.
      synchronized (newNodes) {
        node = nodes.get(heartbeat.nodeId());
        if (node == null) {
          if (nodes.size() >= limits.maxNodes()) {
            logNodeCap(heartbeat.nodeId());
            return new HeartbeatOutcome.OverNodeCap(limits.maxNodes());
          }
          node = nodes.computeIfAbsent(heartbeat.nodeId(), TrackedNode::new);
        }
      }
    }
    long wait = node.takeHeartbeatToken(clock.millis() * 1_000_000L, limits.heartbeatsPerMinute());
    if (wait > 0) {
      return new HeartbeatOutcome.RateLimited(wait);
    }
    node.update(heartbeat, clock.millis(), interner);
    if (node.countOnce()) {
      reporting.incrementAndGet();
    }
    heartbeatListener.accept(node);
    return new HeartbeatOutcome.Accepted(commands.take(node.nodeId()));
  }

  /** One line a minute at most while the cap refuses nodes; the metric counts every refusal. */
  private void logNodeCap(String nodeId) {
    long now = clock.millis();
    if (now - lastCapLog >= CAP_LOG_INTERVAL_MILLIS) {
      lastCapLog = now;
      log.warn(
          "refused new node {}: {} nodes tracked, limits.maxNodes is {}"
              + " (fleetrotate_heartbeats_over_node_cap_total counts the refusals)",
          nodeId,
          nodes.size(),
          limits.maxNodes());
    }
  }

  /**
   * Restores a node from a snapshot or another coordinator: kept only if newer than what is held.
   */
  public void restore(NodeHeartbeat heartbeat, Instant receivedAt, Duration interval) {
    TrackedNode node = nodes.computeIfAbsent(heartbeat.nodeId(), TrackedNode::new);
    node.restore(
        heartbeat,
        receivedAt.toEpochMilli(),
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, interval.toMillis())),
        interner);
    if (node.countOnce()) {
      reporting.incrementAndGet();
    }
  }

  /**
   * Restores, at start, how many stored rotations of a node ended one way (what {@link
   * #recordRotation} counted before the stop).
   */
  public void restoreCount(String nodeId, RotationCount count) {
    nodes.computeIfAbsent(nodeId, TrackedNode::new).rotations().restore(count);
  }

  /** Restores, at start, the latest stored rotation of one of a node's files. */
  public void restoreLastRotation(String nodeId, LastRotation last) {
    nodes.computeIfAbsent(nodeId, TrackedNode::new).rotations().restore(last);
  }

  /**
   * Restores, at start, the successes and failures of stored rotations that finished in the
   * 5-minute bucket starting at {@code bucketStart}: into the fleet's day, or with a node id into
   * that node's hour.
   */
  public void restoreSuccesses(
      String nodeIdOrNull, Instant bucketStart, long successes, long failures) {
    long at = bucketStart.toEpochMilli();
    long now = clock.millis();
    if (nodeIdOrNull == null) {
      fleetDay.add(at, successes, failures, now);
    } else {
      nodes
          .computeIfAbsent(nodeIdOrNull, TrackedNode::new)
          .rotations()
          .restoreLastHour(at, successes, failures, now);
    }
  }

  /** How many nodes have sent a heartbeat: {@code nodes().size()} in O(1). */
  public int nodeCount() {
    return reporting.get();
  }

  /** Adds one rotation, seen for the first time, to the node's and the fleet's tallies. */
  public void recordRotation(RotationEvent event) {
    long now = clock.millis();
    if (event.result() != Result.SKIPPED) {
      fleetDay.add(event.finishedAt().toEpochMilli(), event.result() == Result.SUCCESS, now);
    }
    nodes.computeIfAbsent(event.nodeId(), TrackedNode::new).rotations().add(event, now);
  }

  /** A node that has sent a heartbeat. */
  public Optional<TrackedNode> node(String nodeId) {
    TrackedNode node = nodes.get(nodeId);
    return node != null && node.hasHeartbeat() ? Optional.of(node) : Optional.empty();
  }

  /** Every node that has sent a heartbeat, in no particular order. */
  public List<TrackedNode> nodes() {
    List<TrackedNode> out = new ArrayList<>(nodes.size());
    for (TrackedNode n : nodes.values()) {
      if (n.hasHeartbeat()) {
        out.add(n);
      }
    }
    return out;
  }

  /** Every node known, from heartbeats or rotation events only. */
  public Collection<TrackedNode> allNodes() {
    return nodes.values();
  }

  public NodeState state(TrackedNode node) {
    return state(node, clock.millis());
  }

  NodeState state(TrackedNode node, long nowMillis) {
    long age = nowMillis - node.lastHeartbeatMillis();
    long interval = node.intervalMillis();
    if (age > interval * limits.downAfter()) {
      return NodeState.DOWN;
    }
    if (age > interval * limits.staleAfter()) {
      return NodeState.STALE;
    }
    return NodeState.UP;
  }

  /**
   * Queues a rotate-now command for the node's next heartbeat, to whichever coordinator of the
   * cluster it reaches. May wait for the cluster: call it off the event loop.
   *
   * @param path the watched file, or null for all of them
   * @return the command, or empty if the node is unknown
   * @throws TooManyCommandsException if the node already has {@link #MAX_PENDING_COMMANDS}
   */
  public Optional<Command> queueRotate(String nodeId, String path) {
    Optional<TrackedNode> node = node(nodeId);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Command command = new Command(UUID.randomUUID(), CommandType.ROTATE_NOW, path);
    if (!commands.offer(nodeId, command, MAX_PENDING_COMMANDS)) {
      throw new TooManyCommandsException(nodeId, MAX_PENDING_COMMANDS);
    }
    return Optional.of(command);
  }

  /** The node's pending commands. May wait for the cluster: call it off the event loop. */
  public int pendingCommands(String nodeId) {
    return commands.count(nodeId);
  }

  /** Pending commands in each node's {@link TrackedNode}: a coordinator without a cluster. */
  private final class LocalCommands implements PendingCommands {
    @Override
    public boolean offer(String nodeId, Command command, int max) {
      TrackedNode node = nodes.get(nodeId);
      return node != null && node.queue(command, max);
    }

    @Override
    public CompletionStage<List<Command>> take(String nodeId) {
      TrackedNode node = nodes.get(nodeId);
      return CompletableFuture.completedFuture(node == null ? List.of() : node.drainCommands());
    }

    @Override
    public int count(String nodeId) {
      TrackedNode node = nodes.get(nodeId);
      return node == null ? 0 : node.pendingCommands();
    }
  }

  /** Fleet-wide successes and failures over the last hour. */
  public SuccessTally lastHour() {
    return fleetDay.tally(clock.millis(), HOUR_BUCKETS);
  }

  /** Fleet-wide successes and failures over the last 24 hours. */
  public SuccessTally lastDay() {
    return fleetDay.tally(clock.millis(), DAY_BUCKETS);
  }

  /** Node counts by state and the spread of each node's worst mount, as of now. */
  public FleetSummary summary() {
    long now = clock.millis();
    Map<NodeState, Integer> counts = new EnumMap<>(NodeState.class);
    for (NodeState s : NodeState.values()) {
      counts.put(s, 0);
    }
    List<TrackedNode> all = nodes();
    double[] worst = new double[all.size()];
    int n = 0;
    for (TrackedNode node : all) {
      counts.merge(state(node, now), 1, Integer::sum);
      if (!node.heartbeat().disks().isEmpty()) {
        worst[n++] = node.worstDiskUsedRatio();
      }
    }
    double[] ratios = Arrays.copyOf(worst, n);
    Arrays.sort(ratios);
    double sum = 0;
    for (double r : ratios) {
      sum += r;
    }
    DiskSpread disk =
        n == 0
            ? new DiskSpread(0, 0, 0, 0)
            : new DiskSpread(n, ratios[n - 1], ratios[(int) Math.ceil(0.95 * n) - 1], sum / n);
    return new FleetSummary(counts, disk, lastHour(), lastDay());
  }

  /** Every group of a node that has sent a heartbeat, by name. */
  public List<GroupSummary> groups() {
    long now = clock.millis();
    Map<String, GroupTally> byName = new TreeMap<>();
    for (TrackedNode node : nodes()) {
      NodeHeartbeat hb = node.heartbeat();
      byName.computeIfAbsent(hb.group(), g -> new GroupTally()).add(hb, state(node, now));
    }
    List<GroupSummary> out = new ArrayList<>(byName.size());
    byName.forEach((name, t) -> out.add(t.summary(name)));
    return out;
  }

  private static final class GroupTally {
    final Map<NodeState, Integer> nodes = new EnumMap<>(NodeState.class);
    final Set<String> backends = new TreeSet<>();
    int reporting;
    int unavailable;
    Instant since;

    GroupTally() {
      for (NodeState s : NodeState.values()) {
        nodes.put(s, 0);
      }
    }

    void add(NodeHeartbeat hb, NodeState state) {
      nodes.merge(state, 1, Integer::sum);
      LockState lock = hb.lock();
      // A down node's lock state is as old as its last heartbeat.
      if (lock == null || state == NodeState.DOWN) {
        return;
      }
      backends.add(lock.backend());
      reporting++;
      if (!lock.available()) {
        unavailable++;
        if (since == null || lock.unavailableSince().isBefore(since)) {
          since = lock.unavailableSince();
        }
      }
    }

    GroupSummary summary(String name) {
      return new GroupSummary(name, nodes, List.copyOf(backends), reporting, unavailable, since);
    }
  }

  /** What {@link #summary()} reports. */
  public record FleetSummary(
      Map<NodeState, Integer> nodes,
      DiskSpread disk,
      SuccessTally lastHour,
      SuccessTally lastDay) {}

  /**
   * The used ratio of each node's fullest mount, over the nodes reporting disks: max, 95th
   * percentile (nearest rank) and mean.
   */
  public record DiskSpread(int nodes, double max, double p95, double mean) {}
}
