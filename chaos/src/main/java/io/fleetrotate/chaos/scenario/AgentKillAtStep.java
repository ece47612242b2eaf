package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.STEPS;
import static io.fleetrotate.chaos.scenario.Scenarios.restartPausedAfter;
import static io.fleetrotate.chaos.scenario.Scenarios.restartWithoutHooks;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.chaos.fleet.AgentNode;
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

/** kill -9 of an agent while it holds a lease, right after each journal step in turn. */
final class AgentKillAtStep extends Scenario {
  AgentKillAtStep() {
    super(
        "agent-kill-at-step",
        "kill -9 of an agent holding the lease, stopped right after each rotation step");
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

  private static void killAt(ScenarioContext ctx, AgentNode a, RotationStep step) throws Exception {
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
