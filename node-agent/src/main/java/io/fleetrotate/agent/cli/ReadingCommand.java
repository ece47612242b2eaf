package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.config.cli.ConfigOption;
import io.fleetrotate.lock.FleetLock;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only looks at the agent ({@code status}, {@code advise}): the configuration loaded
 * (or its error printed, exit code 2), the configured lock open while the look lasts, nothing
 * rotated.
 */
abstract class ReadingCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  /** What the command prints about {@code agent}, built from {@code c}. */
  abstract void look(AgentConfig c, Agent agent, PrintWriter out) throws Exception;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AgentConfig c = config.loadOrReport(ConfigLoader.FILE, spec.commandLine().getErr());
    if (c == null) {
      return ConfigOption.BAD_CONFIG;
    }
    try (FleetLock lock = c.lock().open(c.stateDir())) {
      Agent agent =
          new Agent(
              c, lock, Clock.systemDefaultZone(), AgentMetrics.oneShot(), RotationListener.NONE);
      look(c, agent, out);
    }
    out.flush();
    return 0;
  }
}
