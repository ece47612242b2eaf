package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.before;
import static io.fleetrotate.chaos.scenario.Scenarios.between;
import static io.fleetrotate.chaos.scenario.Scenarios.hold;

import io.fleetrotate.chaos.fleet.RedisNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** redis-server killed (its state gone: no persistence) and restarted on the same port. */
final class RedisKillRestart extends Scenario {
  RedisKillRestart() {
    super(
        "redis-kill-restart",
        "kill -9 of redis-server (no persistence: leases and counters lost), restart");
  }

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    Random r = ctx.random();
    RedisNode redis = fleet.redis();
    while (before(until)) {
      ctx.sleep(between(r, 3000, 7000));
      redis.process().kill();
      Instant killed = Instant.now();
      hold(ctx, "kill -9 redis-server, down", between(r, 2000, 6000));
      redis.process().start();
      redis.awaitReady(Duration.ofSeconds(30));
      ctx.lockFault("redis-server killed", killed);
      ctx.fault("redis-server restarted (empty)");
    }
  }
}
