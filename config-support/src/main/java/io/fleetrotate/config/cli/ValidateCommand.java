package io.fleetrotate.config.cli;

import io.fleetrotate.config.ConfigFile;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code validate}: loads a configuration without running anything and prints every error, or the
 * warnings and the file's one-line {@link ConfigFile#summary}. Each side subclasses it with its
 * file.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a configuration without running anything.",
      "Prints every error with file:line, the key path and what is allowed; exit code 2 if any.",
      "Prints a WARN line for each thing that is allowed but will not work yet."
    })
public class ValidateCommand<T> implements Callable<Integer> {
  @Mixin protected ConfigOption config;
  @Spec protected CommandSpec spec;

  private final ConfigFile<T> kind;

  protected ValidateCommand(ConfigFile<T> kind) {
    this.kind = kind;
  }

  /** What is allowed but will not work yet, one sentence each; none by default. */
  protected List<String> warnings(T config) {
    return List.of();
  }

  @Override
  public Integer call() {
    T c = config.loadOrReport(kind, spec.commandLine().getErr());
    if (c == null) {
      return ConfigOption.BAD_CONFIG;
    }
    PrintWriter out = spec.commandLine().getOut();
    warnings(c).forEach(w -> out.println("WARN " + w));
    out.println(config.file() + " is valid: " + kind.summary().apply(c));
    return 0;
  }
}
