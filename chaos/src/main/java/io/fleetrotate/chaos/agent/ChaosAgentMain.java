package io.fleetrotate.chaos.agent;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.cli.AgentHooks;
import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.agent.rotate.StepListener;
import io.fleetrotate.lock.FleetLock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The real node agent ({@code agent run}, {@code agent rotate}: the same code path as {@code
 * node-agent.jar}) composed with the chaos suite's fault decorators, run in a process of its own
 * with {@code java -cp node-agent.jar:chaos.jar io.fleetrotate.chaos.agent.ChaosAgentMain ARGS}.
 * The faults are chosen with these system properties, all optional (none: the production agent):
 *
 * <ul>
 *   <li>{@value #PAUSE_AFTER}{@code =STEP}: stop the rotating thread right after that journal step
 *       ({@link PausingStepListener}), for good, or with {@value #PAUSE_MILLIS}{@code =N} for N ms;
 *   <li>{@value #BLIND_LEASE}{@code =true}: leases never report themselves lost ({@link
 *       BlindLeaseLock});
 *   <li>{@value #CLOCK_OFFSET_FILE}{@code =PATH}: the wall clock shifted by the milliseconds in
 *       PATH ({@link OffsetFileClock}).
 * </ul>
 */
public final class ChaosAgentMain {
  public static final String PAUSE_AFTER = "fleetrotate.chaos.pauseAfter";
  public static final String PAUSE_MILLIS = "fleetrotate.chaos.pauseMillis";
  public static final String BLIND_LEASE = "fleetrotate.chaos.blindLease";
  public static final String CLOCK_OFFSET_FILE = "fleetrotate.chaos.clockOffsetFile";

  private ChaosAgentMain() {}

  public static void main(String[] args) {
    System.exit(AgentMain.execute(args, hooks()));
  }

  /** {@code -D}{@value #PAUSE_AFTER}{@code =STEP}, with a pause that ends when given. */
  public static List<String> pauseAfter(RotationStep step, Optional<Duration> pause) {
    List<String> options = new ArrayList<>();
    options.add("-D" + PAUSE_AFTER + "=" + step.name());
    pause.ifPresent(p -> options.add("-D" + PAUSE_MILLIS + "=" + p.toMillis()));
    return options;
  }

  /** The decorators the system properties of this JVM ask for. */
  static AgentHooks hooks() {
    Clock clock = Clock.systemDefaultZone();
    String offsetFile = System.getProperty(CLOCK_OFFSET_FILE);
    if (offsetFile != null && !offsetFile.isBlank()) {
      System.err.println(
          "chaos: the agent's clock is shifted by the milliseconds in " + offsetFile);
      clock = new OffsetFileClock(clock, Path.of(offsetFile));
    }
    UnaryOperator<FleetLock> lock = UnaryOperator.identity();
    if (Boolean.getBoolean(BLIND_LEASE)) {
      System.err.println("chaos: the agent's leases never report themselves lost");
      lock = BlindLeaseLock::new;
    }
    StepListener steps = StepListener.NONE;
    String pauseAfter = System.getProperty(PAUSE_AFTER);
    if (pauseAfter != null && !pauseAfter.isBlank()) {
      Long millis = Long.getLong(PAUSE_MILLIS);
      steps =
          new PausingStepListener(
              RotationStep.valueOf(pauseAfter),
              Optional.ofNullable(millis).map(Duration::ofMillis));
    }
    return new AgentHooks(clock, lock, steps);
  }
}
