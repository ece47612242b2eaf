package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentDaemon;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.agent.daemon.UnwatchedPaths;
import io.fleetrotate.agent.report.Reporter;
import io.fleetrotate.config.cli.ConfigOption;
import io.fleetrotate.lock.FleetLock;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the agent as a daemon until SIGTERM or SIGINT.",
      "Logs are JSON lines on stderr; /health and /metrics are served on http.port.",
      "With a coordinator section, sends heartbeats and rotation events (kept in",
      "stateDir/outbox until acknowledged) and carries out the coordinator's commands."
    })
public final class RunCommand extends io.fleetrotate.config.cli.RunCommand<AgentConfig> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  private final AgentHooks hooks;

  public RunCommand() {
    this(AgentHooks.PRODUCTION);
  }

  /** The daemon composed with {@code hooks} instead of the production clock, lock and steps. */
  public RunCommand(AgentHooks hooks) {
    super(ConfigLoader.FILE);
    this.hooks = hooks;
  }

  @Override
  protected int run(AgentConfig c) throws Exception {
    UnwatchedPaths.of(c).forEach(log::warn);
    Clock clock = hooks.clock();
    AgentMetrics metrics = new AgentMetrics();
    try (FleetLock lock = hooks.lock().apply(c.lock().open(c.stateDir()))) {
      Reporter reporter = null;
      if (c.coordinator().isPresent()) {
        try {
          reporter =
              Reporter.open(
                  c, c.coordinator().get(), metrics.registry(), clock, AgentMain.version());
        } catch (IOException e) {
          spec.commandLine().getErr().println("cannot start reporting: " + e.getMessage());
          return ConfigOption.BAD_CONFIG;
        }
      }
      RotationListener listener = reporter == null ? RotationListener.NONE : reporter.listener();
      Agent agent = new Agent(c, lock, clock, metrics, listener, hooks.steps());
      AgentDaemon daemon =
          new AgentDaemon(agent, reporter == null ? AgentDaemon.Companion.NONE : reporter);
      CountDownLatch stopped = closeAtShutdown(daemon);
      int port;
      try {
        port = daemon.start();
      } catch (AgentDaemon.PortRefused e) {
        // Taken since the start-up check: the same sentence as that check's.
        spec.commandLine().getErr().println(config.file() + ": " + e.getMessage());
        return ConfigOption.BAD_CONFIG;
      }
      log.info(
          "fleetrotate agent {} started: node {}, group {}, {} file entries, http port {}, {}",
          AgentMain.version(),
          c.node().id(),
          c.node().group(),
          c.files().size(),
          port,
          c.coordinator()
              .map(k -> "reporting to " + k.url())
              .orElse("standalone (no coordinator section)"));
      stopped.await();
    }
    return 0;
  }
}
