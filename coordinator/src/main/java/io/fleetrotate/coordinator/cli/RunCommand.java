package io.fleetrotate.coordinator.cli;

import io.fleetrotate.config.cli.ConfigOption;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the coordinator until SIGTERM or SIGINT.",
      "Logs are JSON lines on stderr. Exit code 2 for a bad configuration or a port in use,",
      "1 if it cannot start otherwise."
    })
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CoordinatorConfig c = config.loadForStart(ConfigLoader.FILE, spec.commandLine().getErr());
    if (c == null) {
      return ConfigOption.BAD_CONFIG;
    }
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
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  coordinator.close();
                  stopped.countDown();
                },
                "fleetrotate-shutdown"));
    stopped.await();
    return 0;
  }
}
