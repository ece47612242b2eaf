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
import picocli.CommandLine.Model.CommandSpec;

/**
 * The agent as the commands that only look ({@code status}, {@code advise}) use it: the
 * configuration loaded (or its error printed), the configured lock open while the look lasts,
 * nothing rotated.
 */
final class ReadingAgent {
  /** What a command does with the agent, printing to {@code out}. */
  @FunctionalInterface
  interface Look {
    void at(AgentConfig config, Agent agent, PrintWriter out) throws Exception;
  }

  private ReadingAgent() {}

  /** Runs {@code look} on the agent of {@code option}'s configuration; returns the exit code. */
  static int run(ConfigOption option, CommandSpec spec, Look look) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AgentConfig c = option.loadOrReport(ConfigLoader.FILE, spec.commandLine().getErr());
    if (c == null) {
      return ConfigOption.BAD_CONFIG;
    }
    try (FleetLock lock = c.lock().open(c.stateDir())) {
      Agent agent =
          new Agent(c, lock, Clock.systemDefaultZone(), new AgentMetrics(), RotationListener.NONE);
      look.at(c, agent, out);
    }
    out.flush();
    return 0;
  }
}
