package io.fleetrotate.coordinator.cli;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand shares. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The coordinator's YAML configuration (see coordinator-example.yaml).")
  Path file;

  /** Loads the configuration, or prints every error and returns null. */
  CoordinatorConfig loadOrReport(PrintWriter err) {
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.println(
          e.errors().size()
              + (e.errors().size() == 1 ? " error" : " errors")
              + " in "
              + file
              + "; the coordinator did not start.");
      return null;
    }
  }
}
