package io.fleetrotate.chaos.scenario;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.chaos.agent.BlindLeaseLock;
import io.fleetrotate.chaos.agent.ChaosAgentMain;
import io.fleetrotate.chaos.fleet.AgentNode;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Two replicas share one log volume: the first two agents watch the same file (written by one
 * server, reopened by signal), in one group. One of them is stopped (SIGSTOP) mid-rotation for
 * twice the lease TTL, so that the other takes the lease and rotates the very same file; then it
 * resumes, a zombie holder with a superseded token. Half the time its lease is "blind" (the agent's
 * {@link BlindLeaseLock} decorator: it never notices the lease is gone), so that only the fence
 * beside the shared log stands between it and the file. The checks then find every line of the
 * shared log exactly once, no rotation finished under a superseded token, and the fence at the
 * highest token either replica rotated under; replicas that both found the file due rotate it once
 * (the second one skips it).
 */
final class SharedLogZombie extends Scenario {
  SharedLogZombie() {
    super(
        "shared-log-zombie",
        "two agents share one log; one is SIGSTOPped mid-rotation past the lease TTL"
            + " (half the time with a lease blind to its loss, so only the fence can stop it)"
            + " while the other rotates the same file, then SIGCONT");
  }

  @Override
  public ChaosFleet.Options options(int agents) {
    return ChaosFleet.Options.redis(Math.max(agents, 2)).withSharedLog();
  }

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    Random r = ctx.random();
    List<AgentNode> pair = fleet.agents().subList(0, 2);
    int round = 0;
    // At least one blind and one watchful round.
    while (Scenarios.before(until) || round < 2) {
      AgentNode a = pair.get(r.nextInt(2));
      boolean blind = round == 0 || (round > 1 && r.nextBoolean());
      round++;
      // A blind holder is stopped only by the fence of the file it touches, not by the group's
      // lease: it must be stopped before its move (BEGIN), while the file is due, so that the
      // partner surely rotates this very file meanwhile and raises its fence. (Stopped after its
      // move, the partner finds nothing due, and the zombie would go on while other logs of the
      // group rotate under newer tokens: the group-wide order the lease keeps, which a blind lease
      // by construction cannot.)
      RotationStep step =
          blind
              ? RotationStep.BEGIN
              : ZombieHolder.MID_ROTATION.get(r.nextInt(ZombieHolder.MID_ROTATION.size()));
      List<String> hooks = blind ? List.of("-D" + ChaosAgentMain.BLIND_LEASE + "=true") : List.of();
      ZombieHolder.stopHolder(
          ctx,
          fleet,
          a,
          step,
          hooks,
          blind ? "the shared log's blind lease" : "the shared log's lease");
    }
  }
}
