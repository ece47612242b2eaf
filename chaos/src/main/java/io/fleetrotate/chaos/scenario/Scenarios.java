package io.fleetrotate.chaos.scenario;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.chaos.agent.ChaosAgentMain;
import io.fleetrotate.chaos.agent.PausingStepListener;
import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.CoordinatorNode;
import io.fleetrotate.chaos.fleet.ManagedProcess;
import io.fleetrotate.chaos.fleet.RedisNode;
import io.fleetrotate.chaos.proxy.FaultProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The catalogue of fault scenarios, by name. */
public final class Scenarios {
  private Scenarios() {}

  /** Journal steps of a rotation; COPIED only with copy methods (collapse, copytruncate). */
  static final List<RotationStep> STEPS = List.of(RotationStep.values());

  /** Every scenario, in the order the quick profile runs them. */
  public static Map<String, Scenario> all() {
    Map<String, Scenario> m = new LinkedHashMap<>();
    for (Scenario s :
        List.of(
            new AgentKillAtStep(),
            new ZombieHolder(),
            new SharedLogZombie(),
            new RedisKillRestart(),
            new RedisPause(),
            new CoordinatorKillRestart(),
            new HazelcastMemberKill(),
            new NetworkFaults(),
            new DiskFull(),
            new ClockJump(),
            new NetnsPartition())) {
      m.put(s.name(), s);
    }
    return m;
  }

  static Duration between(Random r, int minMillis, int maxMillis) {
    return Duration.ofMillis(minMillis + r.nextInt(Math.max(1, maxMillis - minMillis)));
  }

  static boolean before(Instant until) {
    return Instant.now().isBefore(until);
  }

  /** Waits (bounded) for a file to appear; false on timeout or when {@code p} dies. */
  static boolean awaitFile(Path file, Duration timeout, ManagedProcess p)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (Files.exists(file)) {
        return true;
      }
      if (!p.isAlive()) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  static Path pausedMarker(AgentNode a, RotationStep step) {
    return PausingStepListener.marker(a.paths().stateDir().resolve("journal"), step);
  }

  /**
   * Restarts {@code a} stopped after {@code step} (for good, or for {@code pause}) and with {@code
   * moreHooks}, then waits (45 s at most) until it pauses there, holding the lease mid-rotation;
   * false when it did not get there (or died).
   */
  static boolean restartPausedAfter(AgentNode a, RotationStep step, Optional<Duration> pause)
      throws IOException, InterruptedException {
    return restartPausedAfter(a, step, pause, List.of());
  }

  /** As above, with more JVM options for {@link ChaosAgentMain} ({@code -D...blindLease}). */
  static boolean restartPausedAfter(
      AgentNode a, RotationStep step, Optional<Duration> pause, List<String> moreHooks)
      throws IOException, InterruptedException {
    Path marker = pausedMarker(a, step);
    a.process().stop(Duration.ofSeconds(10));
    List<String> hooks = new ArrayList<>(ChaosAgentMain.pauseAfter(step, pause));
    hooks.addAll(moreHooks);
    a.process().extraJvmOptions(hooks);
    Files.deleteIfExists(marker);
    a.start();
    return awaitFile(marker, Duration.ofSeconds(45), a.process());
  }

  /** Restarts {@code a} without the hooks {@link #restartPausedAfter} set; does not wait. */
  static void restartWithoutHooks(AgentNode a, RotationStep step) throws IOException {
    a.process().stop(Duration.ofSeconds(10));
    a.process().extraJvmOptions(List.of());
    Files.deleteIfExists(pausedMarker(a, step));
    a.start();
  }

  /** kill -9 of an agent while it holds a lease, right after each journal step in turn. */
  static final class AgentKillAtStep implements Scenario {
    @Override
    public String name() {
      return "agent-kill-at-step";
    }

    @Override
    public String description() {
      return "kill -9 of an agent holding the lease, stopped right after each rotation step";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents);
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      List<RotationStep> steps = new ArrayList<>(STEPS);
      Collections.shuffle(steps, r);
      // Every step once, even past the deadline: "at each rotation step" is the point. The steps
      // are dealt out to the agents (COPIED only to one with a copy method) and each agent works
      // through its share in its own thread, so the agents are killed side by side.
      List<AgentNode> agents = fleet.agents();
      Map<AgentNode, List<RotationStep>> share = new LinkedHashMap<>();
      agents.forEach(a -> share.put(a, new ArrayList<>()));
      int next = r.nextInt(agents.size());
      for (RotationStep step : steps) {
        AgentNode a;
        do {
          a = agents.get(next++ % agents.size());
        } while (step == RotationStep.COPIED && a.reopenMethod().equals("signal"));
        share.get(a).add(step);
      }
      ExecutorService pool = Executors.newFixedThreadPool(agents.size());
      try {
        List<Future<?>> running = new ArrayList<>();
        for (Map.Entry<AgentNode, List<RotationStep>> e : share.entrySet()) {
          running.add(
              pool.submit(
                  () -> {
                    for (RotationStep step : e.getValue()) {
                      killAt(ctx, e.getKey(), step);
                      ctx.sleep(Duration.ofMillis(1000));
                    }
                    return null;
                  }));
        }
        for (Future<?> f : running) {
          f.get(10, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    private static void killAt(ScenarioContext ctx, AgentNode a, RotationStep step)
        throws Exception {
      if (restartPausedAfter(a, step, Optional.empty())) {
        a.process().kill();
        ctx.fault(
            "kill -9 "
                + a.nodeId()
                + " ("
                + a.reopenMethod()
                + ") holding the lease, right after "
                + step);
      } else {
        ctx.fault(a.nodeId() + " did not reach " + step + " within 45 s; not killed there");
      }
      restartWithoutHooks(a, step);
      a.awaitReady(Duration.ofMinutes(1));
      ctx.fault(a.nodeId() + " restarted (recovers the journal)");
    }
  }

  /** SIGSTOP of the lease holder for longer than the lease TTL, then SIGCONT. */
  static final class ZombieHolder implements Scenario {
    @Override
    public String name() {
      return "zombie-holder";
    }

    @Override
    public String description() {
      return "SIGSTOP of the lease holder mid-rotation for twice the lease TTL, then SIGCONT";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents);
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      Duration ttl = fleet.options().lease();
      List<RotationStep> steps =
          List.of(RotationStep.BEGIN, RotationStep.MOVED, RotationStep.COMPRESSING);
      int round = 0;
      while (before(until) || round == 0) {
        round++;
        AgentNode a = fleet.agents().get(r.nextInt(fleet.agents().size()));
        RotationStep step = steps.get(r.nextInt(steps.size()));
        if (restartPausedAfter(a, step, Optional.of(Duration.ofMillis(1500)))) {
          a.process().pause();
          Duration stopped = ttl.multipliedBy(2).plus(between(r, 0, 2000));
          ctx.fault(
              "SIGSTOP "
                  + a.nodeId()
                  + " holding the lease after "
                  + step
                  + ", for "
                  + stopped.toMillis()
                  + " ms (TTL "
                  + ttl.toMillis()
                  + " ms)");
          ctx.sleep(stopped);
          a.process().resume();
          ctx.fault("SIGCONT " + a.nodeId() + " (a zombie holder now)");
        } else {
          ctx.fault(a.nodeId() + " did not reach " + step + " within 45 s; not stopped");
        }
        ctx.sleep(between(r, 3000, 6000));
        restartWithoutHooks(a, step);
        a.awaitReady(Duration.ofMinutes(1));
      }
    }
  }

  /** redis-server killed (its state gone: no persistence) and restarted on the same port. */
  static final class RedisKillRestart implements Scenario {
    @Override
    public String name() {
      return "redis-kill-restart";
    }

    @Override
    public String description() {
      return "kill -9 of redis-server (no persistence: leases and counters lost), restart";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents);
    }

    @Override
    public Optional<String> cannotRun() {
      return RedisNode.findBinary().isPresent()
          ? Optional.empty()
          : Optional.of("redis-server is not on PATH");
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      RedisNode redis = fleet.redis();
      while (before(until)) {
        ctx.sleep(between(r, 3000, 7000));
        redis.process().kill();
        Instant killed = Instant.now();
        Duration down = between(r, 2000, 6000);
        ctx.fault("kill -9 redis-server, down " + down.toMillis() + " ms");
        ctx.sleep(down);
        redis.process().start();
        redis.awaitReady(Duration.ofSeconds(30));
        ctx.lockFault("redis-server killed", killed);
        ctx.fault("redis-server restarted (empty)");
      }
    }
  }

  /** redis-server paused past the lease TTL. */
  static final class RedisPause implements Scenario {
    @Override
    public String name() {
      return "redis-pause";
    }

    @Override
    public String description() {
      return "SIGSTOP of redis-server for longer than the lease TTL, then SIGCONT";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents);
    }

    @Override
    public Optional<String> cannotRun() {
      return new RedisKillRestart().cannotRun();
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      RedisNode redis = fleet.redis();
      Duration ttl = fleet.options().lease();
      while (before(until)) {
        ctx.sleep(between(r, 3000, 6000));
        redis.process().pause();
        Instant stopped = Instant.now();
        Duration paused = ttl.plus(between(r, 1000, 5000));
        ctx.fault("SIGSTOP redis-server for " + paused.toMillis() + " ms");
        ctx.sleep(paused);
        redis.process().resume();
        ctx.lockFault("redis-server paused", stopped);
        ctx.fault("SIGCONT redis-server");
      }
    }
  }

  /** The coordinator killed and restarted on its store. */
  static final class CoordinatorKillRestart implements Scenario {
    @Override
    public String name() {
      return "coordinator-kill-restart";
    }

    @Override
    public String description() {
      return "kill -9 of the coordinator; agents keep rotating into their outboxes; restart";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents);
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      CoordinatorNode c = fleet.coordinators().get(0);
      while (before(until)) {
        ctx.sleep(between(r, 3000, 6000));
        c.process().kill();
        Duration down = between(r, 4000, 10000);
        ctx.fault("kill -9 " + c.name() + ", down " + down.toMillis() + " ms");
        ctx.sleep(down);
        c.start().awaitReady(Duration.ofMinutes(2));
        ctx.fault(c.name() + " restarted on its store");
      }
    }
  }

  /** One member of a two-coordinator Hazelcast cluster killed and restarted. */
  static final class HazelcastMemberKill implements Scenario {
    @Override
    public String name() {
      return "hazelcast-member-kill";
    }

    @Override
    public String description() {
      return "two coordinators in a Hazelcast cluster (the agents' lock); kill -9 of one member,"
          + " restart";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents).backend("hazelcast", 2);
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      while (before(until)) {
        ctx.sleep(between(r, 4000, 8000));
        CoordinatorNode c = fleet.coordinators().get(r.nextInt(fleet.coordinators().size()));
        c.process().kill();
        Duration down = between(r, 3000, 8000);
        ctx.fault("kill -9 Hazelcast member " + c.name() + ", down " + down.toMillis() + " ms");
        ctx.sleep(down);
        c.start().awaitReady(Duration.ofMinutes(2), 2);
        ctx.fault(c.name() + " restarted and rejoined");
      }
    }
  }

  /** Latency, lost segments, black holes and resets between agents and Redis / coordinator. */
  static final class NetworkFaults implements Scenario {
    @Override
    public String name() {
      return "network-faults";
    }

    @Override
    public String description() {
      return "latency, lost segments, black hole and connection resets between the agents and"
          + " Redis and between the agents and the coordinator, through fault proxies";
    }

    @Override
    public ChaosFleet.Options options(int agents) {
      return ChaosFleet.Options.redis(agents).withProxies();
    }

    @Override
    public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
      Random r = ctx.random();
      List<FaultProxy> proxies = new ArrayList<>();
      fleet.redisProxy().ifPresent(proxies::add);
      fleet.coordinatorProxy().ifPresent(proxies::add);
      FaultProxy.Mode[] modes = {
        FaultProxy.Mode.LATENCY,
        FaultProxy.Mode.DROP,
        FaultProxy.Mode.BLACKHOLE,
        FaultProxy.Mode.RESET
      };
      int i = 0;
      while (before(until) || i < modes.length) {
        FaultProxy p = proxies.get(r.nextInt(proxies.size()));
        // Each mode at least once, then at random.
        FaultProxy.Mode m = i < modes.length ? modes[i] : modes[r.nextInt(modes.length)];
        i++;
        Duration hold = between(r, 2000, 8000);
        if (m == FaultProxy.Mode.LATENCY) {
          p.latency(100 + r.nextInt(900));
        }
        p.mode(m);
        ctx.fault(p.name() + " link: " + m + " for " + hold.toMillis() + " ms");
        ctx.sleep(hold);
        p.mode(FaultProxy.Mode.PASS);
        ctx.fault(p.name() + " link: PASS");
        ctx.sleep(between(r, 1000, 4000));
      }
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Best effort.
    }
  }
}
