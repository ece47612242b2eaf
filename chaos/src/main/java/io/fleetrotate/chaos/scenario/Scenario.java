package io.fleetrotate.chaos.scenario;

import java.time.Instant;
import java.util.Optional;

/**
 * One named fault scenario: the fleet it needs, and the faults it injects into that fleet (chosen
 * with the context's seeded random) until a deadline, healing each before the next. Building the
 * fleet, healing what is left, recording and checking are the {@link ScenarioRunner}'s; so
 * scenarios whose fleets agree can be combined, their faults injected side by side.
 */
public interface Scenario {
  String name();

  /** One sentence: what is broken and how. */
  String description();

  /** The fleet this scenario needs, with {@code agents} agents. */
  ChaosFleet.Options options(int agents);

  /** Why this scenario cannot run here (no root, no redis-server, ...); empty when it can. */
  default Optional<String> cannotRun() {
    return Optional.empty();
  }

  /** Prepares the fleet before it starts (hooks, volumes); nothing by default. */
  default void prepare(ScenarioContext ctx, ChaosFleet fleet) throws Exception {}

  /** Injects faults until {@code until} (a fault under way may finish a little later). */
  void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception;
}
