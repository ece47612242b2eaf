package io.fleetrotate.config.cli;

import io.fleetrotate.config.ConfigFile;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code run}: loads a configuration and checks that its ports are free (exit code {@link
 * ConfigOption#BAD_CONFIG} otherwise, before anything is written), then runs what it describes
 * until SIGTERM or SIGINT. Each side subclasses it with its start; the subclass carries the
 * {@code @Command}.
 */
public abstract class RunCommand<T> implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin protected ConfigOption config;
  @Spec protected CommandSpec spec;

  private final ConfigFile<T> kind;

  protected RunCommand(ConfigFile<T> kind) {
    this.kind = kind;
  }

  /**
   * Starts what {@code config} describes and returns the exit code once it stopped (typically after
   * awaiting {@link #closeAtShutdown}).
   */
  protected abstract int run(T config) throws Exception;

  @Override
  public Integer call() throws Exception {
    T c = config.loadForStart(kind, spec.commandLine().getErr());
    return c == null ? ConfigOption.BAD_CONFIG : run(c);
  }

  /**
   * Has SIGTERM and SIGINT close {@code running}; a failure to close is logged, not thrown. The
   * latch opens once it is closed.
   */
  protected static CountDownLatch closeAtShutdown(AutoCloseable running) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  try {
                    running.close();
                  } catch (Exception e) {
                    log.warn("unclean stop: {}", e.getMessage());
                  }
                  stopped.countDown();
                },
                "fleetrotate-shutdown"));
    return stopped;
  }
}
