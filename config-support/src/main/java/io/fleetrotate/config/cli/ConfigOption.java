package io.fleetrotate.config.cli;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.ConfigFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand of the agent and the coordinator shares. */
public final class ConfigOption {
  /** The exit code of a bad configuration or a start-up mistake in it: systemd does not retry. */
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

  /** As {@link #loadOrReport}, saying that {@code kind}'s owner did not start. */
  public <T> T loadForStart(ConfigFile<T> kind, PrintWriter err) {
    return load(kind, err, "; the " + kind.owner() + " did not start.");
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

  /** Prints a start-up mistake found after loading: one sentence naming the file. */
  public void report(PrintWriter err, String sentence) {
    err.println(file + ": " + sentence);
  }
}
