package io.fleetrotate.config.cli;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.ConfigFile;
import io.fleetrotate.config.ListenPort;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand of the agent and the coordinator shares. */
public final class ConfigOption {
  /** The exit code of a bad configuration or a port in use: systemd does not retry it. */
  public static final int BAD_CONFIG = 2;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The YAML configuration (see the example configuration).")
  Path file;

  public Path file() {
    return file;
  }

  /** Loads the configuration, or prints every error and a count, and returns null. */
  public <T> T loadOrReport(ConfigFile<T> kind, PrintWriter err) {
    return load(kind, err, ".");
  }

  /**
   * As {@link #loadOrReport}, saying that {@code kind}'s owner did not start; then checks that its
   * ports are free, and prints the first one that is not as one sentence and returns null. Nothing
   * is written on the way: this runs before start-up touches any file.
   */
  public <T> T loadForStart(ConfigFile<T> kind, PrintWriter err) {
    T config = load(kind, err, "; the " + kind.owner() + " did not start.");
    if (config == null) {
      return null;
    }
    for (ListenPort port : kind.listens().apply(config)) {
      Optional<String> inUse = port.refuseInUse();
      if (inUse.isPresent()) {
        err.println(file + ": " + inUse.get());
        return null;
      }
    }
    return config;
  }

  private <T> T load(ConfigFile<T> kind, PrintWriter err, String ending) {
    try {
      return kind.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      int n = e.errors().size();
      err.println(n + (n == 1 ? " error" : " errors") + " in " + file + ending);
      return null;
    }
  }
}
