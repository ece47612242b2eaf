package io.fleetrotate.chaos.scenario;

import io.fleetrotate.chaos.check.Fence;
import io.fleetrotate.chaos.check.LineAudit;
import io.fleetrotate.chaos.check.NodeRecord;
import io.fleetrotate.chaos.check.RunRecord;
import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.AgentSpec;
import io.fleetrotate.chaos.fleet.CoordinatorNode;
import io.fleetrotate.chaos.fleet.Fleet;
import io.fleetrotate.chaos.fleet.FleetJars;
import io.fleetrotate.chaos.fleet.LockSpec;
import io.fleetrotate.chaos.fleet.RedisNode;
import io.fleetrotate.chaos.fleet.Rotation;
import io.fleetrotate.chaos.proxy.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet a scenario runs: coordinators, optionally a redis-server, agents in one rotation group
 * each with a writer of sequence-numbered lines, and optionally fault proxies in front of Redis and
 * the coordinator. {@link #record()} stops the writers, lets the fleet settle, and reads what the
 * system itself recorded: the coordinator's history, fences, backups, outboxes, the agents' counts.
 */
public final class ChaosFleet implements AutoCloseable {
  static final String GROUP = "chaos";
  private static final String LOOPBACK = "127.0.0.1";

  /**
   * The agents' reopen methods, in turn: lines must survive signal and collapse exactly once;
   * copytruncate's loss is reported, not a violation.
   */
  static final List<String> REOPEN_METHODS = List.of("signal", "collapse", "copytruncate");

  /** What the agents that do not prune keep: every backup of a run. */
  static final AgentSpec.Retention KEEP_ALL = AgentSpec.Retention.keep(100_000);

  /**
   * What the collapse agent (one in three) keeps, so that every scenario prunes. Measured with the
   * 16 KiB trigger, 1 s checks and 200 lines/s: a backup holds about 45 KB, 5 to 6 KB with zstd;
   * one made after an agent restart or a Redis outage holds the seconds missed, 25 to 64 KB. So
   * {@code keep} binds in steady running (4 backups, about 22 KB), the size limit whenever a large
   * backup is among the newest, and a backup over the limit by itself is deleted at once with all
   * older ones (the agent keeps nothing over the budget). Collapse, because its lines must survive
   * exactly once: no allowance for lost lines can hide a loss there.
   */
  static final AgentSpec.Retention PRUNING = AgentSpec.Retention.keep(4).maxTotalSize(48 * 1024);

  /**
   * The agents' compress-ahead frame span: the smallest the agent allows, so that logs rotated at
   * the 16 KiB trigger are partly compressed ahead (a backup holds about 45 KB, see {@link
   * #PRUNING}) and every rotation may hand a partial over; at the default 16 MiB none would.
   */
  static final String AHEAD_FRAME = "4KiB";

  private static final Pattern LAST_SEQ = Pattern.compile("last seq (\\d+)");
  private static final Pattern DROPPED = Pattern.compile("dropped seq (\\d+)\\.\\.(\\d+)");

  /**
   * How to build the fleet.
   *
   * @param backend redis, hazelcast or local
   * @param coordinators how many coordinators (hazelcast needs at least one)
   * @param agents how many agents
   * @param maxSizeBytes the size trigger
   * @param rate each writer's lines per second
   * @param checkInterval the agents' check interval
   * @param lease the lease TTL
   * @param proxied whether agents reach Redis and the coordinator through fault proxies
   * @param sharedLog whether the second agent watches the first one's log too (replicas sharing a
   *     log volume) instead of having a log and writer of its own
   */
  public record Options(
      String backend,
      int coordinators,
      int agents,
      long maxSizeBytes,
      int rate,
      Duration checkInterval,
      Duration lease,
      boolean proxied,
      boolean sharedLog) {

    public static Options redis(int agents) {
      return new Options(
          "redis",
          1,
          agents,
          16 * 1024,
          200,
          Duration.ofSeconds(1),
          Duration.ofSeconds(6),
          false,
          false);
    }

    /** The lock backend ({@code redis} or {@code hazelcast}) and how many coordinators. */
    public Options backend(String name, int members) {
      return new Options(
          name, members, agents, maxSizeBytes, rate, checkInterval, lease, proxied, sharedLog);
    }

    /** The size trigger and the writers' rate. */
    public Options sized(long bytes, int lines) {
      return new Options(
          backend, coordinators, agents, bytes, lines, checkInterval, lease, proxied, sharedLog);
    }

    public Options withProxies() {
      return new Options(
          backend, coordinators, agents, maxSizeBytes, rate, checkInterval, lease, true, sharedLog);
    }

    /** The second agent shares the first one's log (see {@link #sharedLog}). */
    public Options withSharedLog() {
      return new Options(
          backend, coordinators, agents, maxSizeBytes, rate, checkInterval, lease, proxied, true);
    }
  }

  private final Fleet fleet;
  private final Options options;
  private final ScenarioContext ctx;
  private final List<CoordinatorNode> coordinators = new ArrayList<>();
  private final List<AgentNode> agents = new ArrayList<>();
  private final List<FaultProxy> proxies = new ArrayList<>();
  private RedisNode redis;
  private FaultProxy redisProxy;
  private FaultProxy coordinatorProxy;
  private final List<java.util.function.Consumer<AgentNode>> beforeAgentStart = new ArrayList<>();
  private final List<Runnable> afterClose = new ArrayList<>();
  private final List<Runnable> heals = new ArrayList<>();
  private String serviceAddress = LOOPBACK;

  private ChaosFleet(Fleet fleet, Options options, ScenarioContext ctx) {
    this.fleet = fleet;
    this.options = options;
    this.ctx = ctx;
  }

  static ChaosFleet open(Path dir, FleetJars jars, Options options, ScenarioContext ctx) {
    return new ChaosFleet(Fleet.open(dir, jars), options, ctx);
  }

  /** Runs {@code hook} on each agent before its first start (to mount its log volume, say). */
  public ChaosFleet beforeAgentStart(java.util.function.Consumer<AgentNode> hook) {
    beforeAgentStart.add(hook);
    return this;
  }

  /** Runs {@code r} after every process stopped (to unmount what a hook mounted). */
  public void afterClose(Runnable r) {
    afterClose.add(r);
  }

  /** Runs {@code r} first when {@link #record()} heals the fleet (to undo a fault of its own). */
  public void healWith(Runnable r) {
    heals.add(r);
  }

  /**
   * Has Redis, the coordinators and the proxies listen on {@code address} (an address of this host
   * the agents can reach, such as the host side of network namespaces) instead of loopback; Redis
   * keeps loopback too. Call before {@link #start()}; the Redis backend only.
   */
  public ChaosFleet serviceAddress(String address) {
    this.serviceAddress = address;
    return this;
  }

  /** Starts everything and waits until every agent is up. */
  public ChaosFleet start() {
    boolean hz = options.backend().equals("hazelcast");
    if (hz && !serviceAddress.equals(LOOPBACK)) {
      // The members announce loopback addresses to their clients (see CoordinatorNode).
      throw new IllegalStateException(
          "the Hazelcast backend serves loopback only; agents cannot reach it at "
              + serviceAddress);
    }
    for (int i = 1; i <= options.coordinators(); i++) {
      coordinators.add(fleet.addCoordinator("coordinator-" + i, hz, serviceAddress));
    }
    if (hz) {
      for (CoordinatorNode c : coordinators) {
        coordinators.stream().filter(o -> o != c).forEach(c::clusterWith);
      }
    }
    coordinators.forEach(CoordinatorNode::start);
    coordinators.forEach(c -> c.awaitReady(Duration.ofMinutes(2), coordinators.size()));
    LockSpec lock =
        switch (options.backend()) {
          case "redis" -> {
            redis =
                fleet.startRedis(
                    serviceAddress.equals(LOOPBACK) ? List.of() : List.of(serviceAddress));
            String uri = redis.uri(serviceAddress);
            if (options.proxied()) {
              redisProxy = proxy("redis", redis.port());
              uri = "redis://" + serviceAddress + ":" + redisProxy.port();
            }
            yield new LockSpec("redis", List.of(), uri, options.lease());
          }
          case "hazelcast" -> LockSpec.hazelcast(coordinators).lease(options.lease());
          default -> LockSpec.local().lease(options.lease());
        };
    Optional<URI> report = Optional.empty();
    if (!coordinators.isEmpty()) {
      report = Optional.of(coordinators.get(0).url());
      if (options.proxied()) {
        coordinatorProxy = proxy("coordinator", coordinators.get(0).httpPort());
        report =
            Optional.of(URI.create("http://" + serviceAddress + ":" + coordinatorProxy.port()));
      }
    }
    for (int i = 1; i <= options.agents(); i++) {
      boolean sharing = options.sharedLog() && i == 2;
      String method = REOPEN_METHODS.get((i - 1) % REOPEN_METHODS.size());
      AgentSpec spec =
          new AgentSpec(
              "node-" + i,
              GROUP,
              report,
              lock,
              options.checkInterval(),
              Duration.ofSeconds(1),
              (options.maxSizeBytes() / 1024) + "KiB",
              sharing || !method.equals("collapse") ? KEEP_ALL : PRUNING,
              "zstd",
              Optional.of(AHEAD_FRAME),
              sharing ? 0 : options.rate());
      AgentNode a = fleet.addAgent(spec);
      if (sharing) {
        a.sharesLogOf(agents.get(0));
      } else if (!method.equals("signal")) {
        a.reopenMethod(method);
      }
      beforeAgentStart.forEach(h -> h.accept(a));
      agents.add(a.start());
    }
    agents.forEach(a -> a.awaitReady(Duration.ofMinutes(2)));
    return this;
  }

  private FaultProxy proxy(String name, int targetPort) {
    InetAddress host;
    try {
      host = InetAddress.getByName(serviceAddress);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address: " + serviceAddress, e);
    }
    FaultProxy p = FaultProxy.start(name, host, targetPort);
    proxies.add(p);
    return p;
  }

  public Fleet fleet() {
    return fleet;
  }

  public List<AgentNode> agents() {
    return agents;
  }

  public List<CoordinatorNode> coordinators() {
    return coordinators;
  }

  public RedisNode redis() {
    return redis;
  }

  public Optional<FaultProxy> redisProxy() {
    return Optional.ofNullable(redisProxy);
  }

  public Optional<FaultProxy> coordinatorProxy() {
    return Optional.ofNullable(coordinatorProxy);
  }

  public Options options() {
    return options;
  }

  /** The first coordinator that answers, to read the history from. */
  public CoordinatorNode liveCoordinator() {
    return coordinators.stream()
        .filter(c -> c.process().isAlive() && c.api().health().isPresent())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no coordinator answers"));
  }

  /** Successful rotations so far (0 when no coordinator answers). */
  public long rotationsSoFar() {
    try {
      return liveCoordinator().api().rotations().stream().filter(Rotation::succeeded).count();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Heals and records: the scenarios' own heals run, every proxy back to pass, every paused process
   * resumed and every stopped one started; the writers stopped; then waits (bounded) until outboxes
   * are empty and the counts agree twice in a row; then reads the record.
   */
  public RunRecord record() throws InterruptedException {
    heals.forEach(Runnable::run);
    proxies.forEach(p -> p.mode(FaultProxy.Mode.PASS));
    for (var p : fleet.processes()) {
      if (p.isPaused()) {
        p.resume();
      }
    }
    if (redis != null && !redis.process().isAlive()) {
      redis.process().start();
      redis.awaitReady(Duration.ofSeconds(30));
    }
    for (CoordinatorNode c : coordinators) {
      if (!c.process().isAlive()) {
        c.start();
      }
    }
    coordinators.forEach(c -> c.awaitReady(Duration.ofMinutes(2)));
    for (AgentNode a : agents) {
      if (!a.process().isAlive()) {
        a.process().extraJvmOptions(List.of());
        a.start();
      }
    }
    agents.forEach(a -> a.awaitReady(Duration.ofMinutes(2)));
    // Let every due file be rotated under normal conditions before the writers stop.
    Thread.sleep(options.checkInterval().multipliedBy(4).toMillis());
    agents.forEach(a -> a.mcpServer().ifPresent(m -> m.stop(Duration.ofSeconds(10))));
    Map<String, Long> last = new HashMap<>();
    Instant deadline = Instant.now().plusSeconds(90);
    boolean settled = false;
    while (Instant.now().isBefore(deadline)) {
      Map<String, Long> now = new HashMap<>();
      for (AgentNode a : agents) {
        now.put(a.nodeId() + " outbox", a.outboxFiles());
        now.put(a.nodeId() + " backups", (long) a.backups().size());
      }
      try {
        now.put("history", (long) liveCoordinator().api().rotations().size());
      } catch (RuntimeException e) {
        now.put("history", -1L);
      }
      settled = now.equals(last) && agents.stream().allMatch(a -> a.outboxFiles() == 0);
      if (settled) {
        break;
      }
      last = now;
      Thread.sleep(3000);
    }
    if (!settled) {
      ctx.fault("the fleet did not settle within 90 s after the faults healed");
    }
    List<Rotation> history = liveCoordinator().api().rotations();
    List<NodeRecord> nodes = new ArrayList<>();
    Map<String, String> checkedAs = new HashMap<>();
    for (AgentNode a : agents) {
      if (a.sharedLogOwner().isEmpty()) {
        List<AgentNode> sharers =
            agents.stream().filter(o -> o.sharedLogOwner().orElse(null) == a).toList();
        nodes.add(nodeRecord(a, sharers));
        sharers.forEach(o -> checkedAs.put(o.nodeId(), a.nodeId()));
      }
    }
    if (!checkedAs.isEmpty()) {
      // Replicas sharing a log: the checks are per log, so their rotations count as the owner's.
      history = history.stream().map(r -> asNode(r, checkedAs)).toList();
      checkedAs.forEach(
          (sharer, owner) ->
              ctx.fault(
                  sharer
                      + " shares "
                      + owner
                      + "'s log: its rotations, outbox and counts are checked with "
                      + owner
                      + "'s"));
    }
    return new RunRecord(history, nodes);
  }

  private static Rotation asNode(Rotation r, Map<String, String> checkedAs) {
    String node = checkedAs.get(r.node());
    return node == null
        ? r
        : new Rotation(
            r.eventId(),
            node,
            r.group(),
            r.path(),
            r.trigger(),
            r.startedAt(),
            r.finishedAt(),
            r.result(),
            r.reason(),
            r.lockBackend(),
            r.fencingToken());
  }

  /** The record of {@code a}'s log, with the agents that share it counted in. */
  private NodeRecord nodeRecord(AgentNode a, List<AgentNode> sharers) {
    Path log = a.paths().log();
    long written = lastSeq(a.mcpServer().orElseThrow().log());
    List<LineAudit.Range> dropped = dropped(a.mcpServer().orElseThrow().log());
    OptionalLong counted = OptionalLong.of(0);
    OptionalLong handedOver = OptionalLong.empty();
    long outbox = 0;
    int pruned = 0;
    for (AgentNode x : concat(a, sharers)) {
      if (counted.isPresent() && x.process().starts() == 1 && x.process().isAlive()) {
        Optional<Long> c = x.rotationsCounted();
        counted =
            c.isPresent() ? OptionalLong.of(counted.getAsLong() + c.get()) : OptionalLong.empty();
      } else {
        counted = OptionalLong.empty();
      }
      Optional<Long> h = x.aheadHandOvers();
      if (h.isPresent()) {
        handedOver = OptionalLong.of(handedOver.orElse(0) + h.get());
      }
      outbox += x.outboxFiles();
      pruned += x.prunedBackups().size();
    }
    try {
      List<Path> backups = a.backups();
      long backupBytes = 0;
      for (Path b : backups) {
        backupBytes += Files.size(b);
      }
      return new NodeRecord(
          a.nodeId(),
          GROUP,
          a.reopenMethod(),
          LineAudit.of(log, written, dropped),
          Fence.besideLog(log),
          counted,
          backups.size(),
          backupBytes,
          pruned,
          a.spec().retention().keep(),
          a.spec().retention().maxTotalSizeBytes(),
          Files.exists(log) ? Files.size(log) : 0,
          options.maxSizeBytes(),
          outbox,
          handedOver);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<AgentNode> concat(AgentNode a, List<AgentNode> more) {
    List<AgentNode> all = new ArrayList<>();
    all.add(a);
    all.addAll(more);
    return all;
  }

  /** The last {@code last seq N} the writer printed; the writer is never restarted. */
  static long lastSeq(Path writerOutput) {
    try {
      Matcher m = LAST_SEQ.matcher(Files.readString(writerOutput));
      long seq = -1;
      while (m.find()) {
        seq = Long.parseLong(m.group(1));
      }
      if (seq < 0) {
        throw new IllegalStateException(
            writerOutput + " has no 'last seq' line: the writer did not stop cleanly");
      }
      return seq;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ranges the writer reported it could not write (disk full). */
  static List<LineAudit.Range> dropped(Path writerOutput) {
    try {
      Matcher m = DROPPED.matcher(Files.readString(writerOutput));
      List<LineAudit.Range> ranges = new ArrayList<>();
      while (m.find()) {
        ranges.add(new LineAudit.Range(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
      }
      return ranges;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    proxies.forEach(FaultProxy::close);
    try {
      fleet.close();
    } finally {
      afterClose.forEach(Runnable::run);
    }
  }
}
