package io.fleetrotate.chaos.scenario;

import io.fleetrotate.chaos.fleet.RedisNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One named fault scenario: the fleet it needs, and the faults it injects into that fleet (chosen
 * with the context's seeded random) until a deadline, healing each before the next. Building the
 * fleet, healing what is left, recording and checking are the {@link ScenarioRunner}'s; so
 * scenarios whose fleets agree can be combined, their faults injected side by side. Each scenario
 * is a class of its own in this package; {@link Scenarios#all()} lists them.
 */
public abstract class Scenario {
  private final String name;
  private final String description;

  /**
   * @param name the name {@code --scenario} takes
   * @param description one sentence: what is broken and how
   */
  protected Scenario(String name, String description) {
    this.name = name;
    this.description = description;
  }

  public final String name() {
    return name;
  }

  /** One sentence: what is broken and how. */
  public final String description() {
    return description;
  }

  /** The fleet this scenario needs, with {@code agents} agents: by default leases from Redis. */
  public ChaosFleet.Options options(int agents) {
    return ChaosFleet.Options.redis(agents);
  }

  /**
   * Why this scenario cannot run here (no root, no redis-server, ...); empty when it can. By
   * default: a fleet with Redis leases needs redis-server on PATH.
   */
  public Optional<String> cannotRun() {
    boolean redis = options(2).backend().equals("redis");
    return redis && RedisNode.findBinary().isEmpty()
        ? Optional.of("redis-server is not on PATH")
        : Optional.empty();
  }

  /** Prepares the fleet before it starts (hooks, volumes); nothing by default. */
  public void prepare(ScenarioContext ctx, ChaosFleet fleet) throws Exception {}

  /** Injects faults until {@code until} (a fault under way may finish a little later). */
  public abstract void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until)
      throws Exception;
}
