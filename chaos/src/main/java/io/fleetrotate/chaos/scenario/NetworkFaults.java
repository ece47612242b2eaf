package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.before;
import static io.fleetrotate.chaos.scenario.Scenarios.between;
import static io.fleetrotate.chaos.scenario.Scenarios.hold;

import io.fleetrotate.chaos.proxy.FaultProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Latency, lost segments, black holes and resets between agents and Redis / coordinator. */
final class NetworkFaults extends Scenario {
  NetworkFaults() {
    super(
        "network-faults",
        "latency, lost segments, black hole and connection resets between the agents"
            + " and Redis and between the agents and the coordinator, through fault proxies");
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
      Duration length = between(r, 2000, 8000);
      if (m == FaultProxy.Mode.LATENCY) {
        p.latency(100 + r.nextInt(900));
      }
      p.mode(m);
      hold(ctx, p.name() + " link: " + m, length);
      p.mode(FaultProxy.Mode.PASS);
      ctx.fault(p.name() + " link: PASS");
      ctx.sleep(between(r, 1000, 4000));
    }
  }
}
