package io.fleetrotate.chaos.scenario;

import static io.fleetrotate.chaos.scenario.Scenarios.before;
import static io.fleetrotate.chaos.scenario.Scenarios.between;
import static io.fleetrotate.chaos.scenario.Scenarios.hold;

import io.fleetrotate.chaos.fleet.RedisNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** redis-server paused past the lease TTL. */
final class RedisPause extends Scenario {
  RedisPause() {
    super("redis-pause", "SIGSTOP of redis-server for longer than the lease TTL, then SIGCONT");
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
      hold(ctx, "SIGSTOP redis-server", ttl.plus(between(r, 1000, 5000)));
      redis.process().resume();
      ctx.lockFault("redis-server paused", stopped);
      ctx.fault("SIGCONT redis-server");
    }
  }
}
