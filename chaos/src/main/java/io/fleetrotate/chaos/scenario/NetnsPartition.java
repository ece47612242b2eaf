package io.fleetrotate.chaos.scenario;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.chaos.fleet.AgentNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Real partitions (root only): each agent runs in a network namespace of its own, joined to the
 * root namespace by a veth pair on a bridge ({@link NamespaceNetwork}); redis-server and the
 * coordinator stay in the root namespace and listen on the bridge's address, the writers stay there
 * too (they share the log directory, and SIGHUP crosses network namespaces). Faults, each healed
 * before the next, every kind once and then at random: the lease holder cut off (caught mid-
 * rotation by the journal's pause hook) for longer than the lease TTL; several agents cut off at
 * once; a lossy link; and, with nftables, one agent cut off from Redis only or from the coordinator
 * only.
 */
final class NetnsPartition extends Scenario {
  NetnsPartition() {
    super(
        "netns-partition",
        "agents in network namespaces of their own: the lease holder and then several"
            + " agents cut off past the lease TTL, lossy links, one agent cut off from Redis"
            + " or the coordinator only");
  }

  private static final int MAX_ROUNDS = 40;
  private static final List<RotationStep> STEPS =
      List.of(RotationStep.BEGIN, RotationStep.MOVED, RotationStep.COMPRESSING);

  enum Fault {
    /** The holder cut off while it goes on with its rotation (paused 1.5 s in a step). */
    HOLDER_CUT,
    /** The holder cut off while it stalls in a step past the TTL: a zombie when it goes on. */
    HOLDER_STALLED_CUT,
    SEVERAL_CUT,
    LOSSY_LINK,
    REDIS_BLOCKED,
    COORDINATOR_BLOCKED
  }

  // One run at a time: set by prepare, used by inject.
  private NamespaceNetwork network;

  @Override
  public Optional<String> cannotRun() {
    Optional<String> redis = super.cannotRun();
    return redis.isPresent() ? redis : NamespaceNetwork.cannotRun();
  }

  @Override
  public void prepare(ScenarioContext ctx, ChaosFleet fleet) {
    NamespaceNetwork net = NamespaceNetwork.create(fleet.options().agents(), ctx::fault);
    fleet.afterClose(net::close);
    fleet.healWith(net::healAll);
    fleet.serviceAddress(net.serviceAddress());
    fleet.beforeAgentStart(
        a -> {
          NamespaceNetwork.Slot s = net.slot(a.nodeId());
          a.runUnder(net.launcher(s), s.address());
        });
    ctx.fault("network: " + net.layout());
    if (!net.hasNetem()) {
      ctx.fault(
          "this kernel has no netem: lossy links drop packets with nftables"
              + (net.hasNft() ? "" : " (not installed: no lossy links, no port blocks)")
              + ", without added delay");
    }
    this.network = net;
  }

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    NamespaceNetwork net = network;
    Random r = ctx.random();
    List<Fault> kinds =
        new ArrayList<>(List.of(Fault.HOLDER_CUT, Fault.HOLDER_STALLED_CUT, Fault.SEVERAL_CUT));
    if (net.hasNetem() || net.hasNft()) {
      kinds.add(Fault.LOSSY_LINK);
    }
    if (net.hasNft()) {
      kinds.add(Fault.REDIS_BLOCKED);
      kinds.add(Fault.COORDINATOR_BLOCKED);
    }
    List<Fault> first = new ArrayList<>(kinds);
    Collections.shuffle(first, r);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      // Every kind once, even past the deadline, then at random until it.
      if (round >= first.size() && !Instant.now().isBefore(until)) {
        break;
      }
      Fault f = round < first.size() ? first.get(round) : kinds.get(r.nextInt(kinds.size()));
      switch (f) {
        case HOLDER_CUT -> holderCut(ctx, fleet, net, r, Duration.ofMillis(1500));
        case HOLDER_STALLED_CUT ->
            holderCut(ctx, fleet, net, r, fleet.options().lease().plusSeconds(2));
        case SEVERAL_CUT -> severalCut(ctx, fleet, net, r);
        case LOSSY_LINK -> lossyLink(ctx, fleet, net, r);
        case REDIS_BLOCKED -> blocked(ctx, fleet, net, r, true);
        case COORDINATOR_BLOCKED -> blocked(ctx, fleet, net, r, false);
      }
      ctx.sleep(Scenarios.between(r, 1000, 2500));
    }
  }

  /**
   * Restarts an agent with the journal's pause hook ({@code pause} in the step), and cuts it off
   * the moment it holds the lease mid-rotation, for longer than the TTL; then restarts it without
   * the hook.
   */
  private static void holderCut(
      ScenarioContext ctx, ChaosFleet fleet, NamespaceNetwork net, Random r, Duration pause)
      throws Exception {
    Duration ttl = fleet.options().lease();
    AgentNode a = fleet.agents().get(r.nextInt(fleet.agents().size()));
    NamespaceNetwork.Slot slot = net.slot(a.nodeId());
    RotationStep step = STEPS.get(r.nextInt(STEPS.size()));
    NamespaceNetwork.Cut how = cut(r);
    try {
      if (Scenarios.restartPausedAfter(a, step, Optional.of(pause))) {
        Duration down = ttl.plus(Scenarios.between(r, 1000, 3000));
        net.cut(slot, how);
        ctx.fault(
            "cut "
                + a.nodeId()
                + " ("
                + how
                + ") holding the lease, paused "
                + pause.toMillis()
                + " ms after "
                + step
                + ", for "
                + down.toMillis()
                + " ms (TTL "
                + ttl.toMillis()
                + " ms)");
        try {
          ctx.sleep(down);
        } finally {
          net.heal(slot);
        }
        ctx.fault("healed " + a.nodeId() + "'s link");
      } else {
        ctx.fault(a.nodeId() + " did not reach " + step + " within 45 s; not cut");
      }
      // Let it finish the rotation it was in and report it, then drop the hook.
      ctx.sleep(Scenarios.between(r, 2000, 3500));
    } finally {
      Scenarios.restartWithoutHooks(a, step);
    }
    a.awaitReady(Duration.ofMinutes(1));
  }

  /** Cuts two or more agents off at once, past the lease TTL. */
  private static void severalCut(
      ScenarioContext ctx, ChaosFleet fleet, NamespaceNetwork net, Random r) throws Exception {
    List<AgentNode> agents = new ArrayList<>(fleet.agents());
    Collections.shuffle(agents, r);
    List<AgentNode> cut = agents.subList(0, 2 + r.nextInt(agents.size() - 1));
    NamespaceNetwork.Cut how = cut(r);
    Duration down = fleet.options().lease().plus(Scenarios.between(r, 500, 2500));
    onLinks(
        ctx,
        net,
        cut,
        down,
        "cut",
        slot -> {
          net.cut(slot, how);
          return how.toString();
        });
  }

  /** 200 ms and 30 % loss (netem), or 30 % loss alone (nftables), on one or two agents' links. */
  private static void lossyLink(
      ScenarioContext ctx, ChaosFleet fleet, NamespaceNetwork net, Random r) throws Exception {
    List<AgentNode> agents = new ArrayList<>(fleet.agents());
    Collections.shuffle(agents, r);
    List<AgentNode> hit = agents.subList(0, 1 + r.nextInt(2));
    Duration length = Scenarios.between(r, 3000, 6000);
    onLinks(ctx, net, hit, length, "lossy link to", slot -> net.lossy(slot, 200, 30));
  }

  /** What a fault did to one agent's link, for the report. */
  private interface LinkFault {
    String apply(NamespaceNetwork.Slot slot) throws Exception;
  }

  /**
   * Applies {@code fault} to the link of each of {@code agents}, holds it for {@code length}, then
   * heals them all (on an error too).
   */
  private static void onLinks(
      ScenarioContext ctx,
      NamespaceNetwork net,
      List<AgentNode> agents,
      Duration length,
      String label,
      LinkFault fault)
      throws Exception {
    try {
      String what = "";
      for (AgentNode a : agents) {
        what = fault.apply(net.slot(a.nodeId()));
      }
      Scenarios.hold(ctx, label + " " + names(agents) + " (" + what + ")", length);
    } finally {
      for (AgentNode a : agents) {
        net.heal(net.slot(a.nodeId()));
      }
    }
    ctx.fault("healed " + names(agents));
  }

  /**
   * Cuts one agent off Redis only (past the lease TTL: its lease expires while the coordinator
   * still hears from it), or off the coordinator only (it rotates into its outbox).
   */
  private static void blocked(
      ScenarioContext ctx, ChaosFleet fleet, NamespaceNetwork net, Random r, boolean redis)
      throws Exception {
    AgentNode a = fleet.agents().get(r.nextInt(fleet.agents().size()));
    NamespaceNetwork.Slot slot = net.slot(a.nodeId());
    // The port the agent was given: the proxy's when a combined scenario put one in between.
    int port =
        redis
            ? fleet.redisProxy().map(p -> p.port()).orElse(fleet.redis().port())
            : fleet
                .coordinatorProxy()
                .map(p -> p.port())
                .orElse(fleet.coordinators().get(0).httpPort());
    String service = redis ? "Redis" : "the coordinator";
    Duration down =
        redis
            ? fleet.options().lease().plus(Scenarios.between(r, 1000, 2500))
            : Scenarios.between(r, 3000, 6000);
    try {
      net.block(slot, port);
      ctx.fault(
          "cut "
              + a.nodeId()
              + " off "
              + service
              + " only (port "
              + port
              + " dropped both ways) for "
              + down.toMillis()
              + " ms");
      ctx.sleep(down);
    } finally {
      net.heal(slot);
    }
    ctx.fault("healed " + a.nodeId() + "'s link to " + service);
  }

  private static NamespaceNetwork.Cut cut(Random r) {
    NamespaceNetwork.Cut[] all = NamespaceNetwork.Cut.values();
    return all[r.nextInt(all.length)];
  }

  private static String names(List<AgentNode> agents) {
    return agents.stream().map(AgentNode::nodeId).collect(Collectors.joining(", "));
  }
}
