package io.fleetrotate.coordinator.cli;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the coordinator until SIGTERM or SIGINT.",
      "Logs are JSON lines on stderr. Exit code 2 for a bad configuration or a port in use,",
      "1 if it cannot start otherwise."
    })
public final class RunCommand extends io.fleetrotate.config.cli.RunCommand<CoordinatorConfig> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  public RunCommand() {
    super(ConfigLoader.FILE);
  }

  @Override
  protected int run(CoordinatorConfig c) throws InterruptedException {
    Coordinator coordinator;
    try {
      coordinator = Coordinator.start(c, Clock.systemUTC());
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      spec.commandLine()
          .getErr()
          .println("The coordinator could not start: " + why + " (config " + config.file() + ").");
      log.debug("start failure", e);
      return 1;
    }
    closeAtShutdown(coordinator).await();
    return 0;
  }
}
