package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand shares. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The agent's YAML configuration (see agent-example.yaml).")
  Path file;

  /** Loads the configuration, or prints every error and returns null. */
  AgentConfig loadOrReport(PrintWriter err) {
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return null;
    }
  }
}
