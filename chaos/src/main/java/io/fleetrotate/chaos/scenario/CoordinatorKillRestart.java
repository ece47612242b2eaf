package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.before;
import static io.fleetrotate.chaos.scenario.Scenarios.between;
import static io.fleetrotate.chaos.scenario.Scenarios.hold;

import io.fleetrotate.chaos.fleet.CoordinatorNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** The coordinator killed and restarted on its store. */
final class CoordinatorKillRestart extends Scenario {
  CoordinatorKillRestart() {
    super(
        "coordinator-kill-restart",
        "kill -9 of the coordinator; agents keep rotating into their outboxes; restart");
  }

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    Random r = ctx.random();
    CoordinatorNode c = fleet.coordinators().get(0);
    while (before(until)) {
      ctx.sleep(between(r, 3000, 6000));
      c.process().kill();
      hold(ctx, "kill -9 " + c.name() + ", down", between(r, 4000, 10000));
      c.start().awaitReady(Duration.ofMinutes(2));
      ctx.fault(c.name() + " restarted on its store");
    }
  }
}
