package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.before;
import static io.fleetrotate.chaos.scenario.Scenarios.between;
import static io.fleetrotate.chaos.scenario.Scenarios.restartPausedAfter;
import static io.fleetrotate.chaos.scenario.Scenarios.restartWithoutHooks;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.chaos.fleet.AgentNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** SIGSTOP of the lease holder for longer than the lease TTL, then SIGCONT. */
final class ZombieHolder extends Scenario {
  ZombieHolder() {
    super(
        "zombie-holder",
        "SIGSTOP of the lease holder mid-rotation for twice the lease TTL, then SIGCONT");
  }

  /** Steps of a rotation under way (the lease held) to stop a holder right after. */
  static final List<RotationStep> MID_ROTATION =
      List.of(RotationStep.BEGIN, RotationStep.MOVED, RotationStep.COMPRESSING);

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    Random r = ctx.random();
    int round = 0;
    while (before(until) || round == 0) {
      round++;
      AgentNode a = fleet.agents().get(r.nextInt(fleet.agents().size()));
      RotationStep step = MID_ROTATION.get(r.nextInt(MID_ROTATION.size()));
      stopHolder(ctx, fleet, a, step, List.of(), "the lease");
    }
  }

  /**
   * One zombie holder: {@code a} restarted to pause 1.5 s after {@code step} (with the JVM options
   * {@code hooks}), stopped there (SIGSTOP) holding {@code lease} for twice the lease TTL and up to
   * 2 s more, then resumed (SIGCONT) with a superseded token; 3 to 6 s later restarted without the
   * hooks.
   */
  static void stopHolder(
      ScenarioContext ctx,
      ChaosFleet fleet,
      AgentNode a,
      RotationStep step,
      List<String> hooks,
      String lease)
      throws Exception {
    Random r = ctx.random();
    Duration ttl = fleet.options().lease();
    if (restartPausedAfter(a, step, Optional.of(Duration.ofMillis(1500)), hooks)) {
      a.process().pause();
      Duration stopped = ttl.multipliedBy(2).plus(between(r, 0, 2000));
      ctx.fault(
          "SIGSTOP "
              + a.nodeId()
              + " holding "
              + lease
              + " after "
              + step
              + ", for "
              + stopped.toMillis()
              + " ms (TTL "
              + ttl.toMillis()
              + " ms)");
      ctx.sleep(stopped);
      a.process().resume();
      ctx.fault("SIGCONT " + a.nodeId() + " (a zombie holder of " + lease + " now)");
    } else {
      ctx.fault(a.nodeId() + " did not reach " + step + " within 45 s; not stopped");
    }
    ctx.sleep(between(r, 3000, 6000));
    restartWithoutHooks(a, step);
    a.awaitReady(Duration.ofMinutes(1));
  }
}
