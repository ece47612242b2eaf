package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.before;
import static io.fleetrotate.chaos.scenario.Scenarios.between;
import static io.fleetrotate.chaos.scenario.Scenarios.hold;

import io.fleetrotate.chaos.fleet.CoordinatorNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** One member of a two-coordinator Hazelcast cluster killed and restarted. */
final class HazelcastMemberKill extends Scenario {
  HazelcastMemberKill() {
    super(
        "hazelcast-member-kill",
        "two coordinators in a Hazelcast cluster (the agents' lock); kill -9 of one"
            + " member, restart");
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
      hold(ctx, "kill -9 Hazelcast member " + c.name() + ", down", between(r, 3000, 8000));
      c.start().awaitReady(Duration.ofMinutes(2), 2);
      ctx.fault(c.name() + " restarted and rejoined");
    }
  }
}
