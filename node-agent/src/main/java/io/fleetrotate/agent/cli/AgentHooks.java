package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.rotate.StepListener;
import io.fleetrotate.lock.FleetLock;
import java.time.Clock;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What {@code agent run} (and {@code agent rotate}) compose the agent from besides its
 * configuration: the wall clock, a wrapper around the lock backend and a listener of rotation
 * steps. {@link #PRODUCTION} is the system clock, the backend as opened and no listener; a harness
 * (the chaos suite) passes its own through {@link io.fleetrotate.agent.AgentMain#execute(String[],
 * AgentHooks)}, so that no fault switch is compiled into the agent.
 *
 * @param clock the wall clock of triggers, backup names, journal and event times
 * @param lock wraps the backend {@code FleetLocks.open} returns; closing the result must close it
 * @param steps told of each rotation step once journaled
 */
public record AgentHooks(Clock clock, UnaryOperator<FleetLock> lock, StepListener steps) {
  /** The production composition. */
  public static final AgentHooks PRODUCTION =
      new AgentHooks(Clock.systemDefaultZone(), UnaryOperator.identity(), StepListener.NONE);

  public AgentHooks {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(steps, "steps");
  }
}
