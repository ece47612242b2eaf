package io.fleetrotate.agent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs imports on real files and checks every output with the real {@code agent validate}. */
final class Imports {
  private Imports() {}

  static Path write(Path dir, String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The import of {@code inputs}; its YAML has passed {@code agent validate}. */
  static Validated run(Path dir, Path... inputs) throws UnreadableInputException {
    LogrotateImport.Result result = LogrotateImport.run(List.of(inputs));
    return new Validated(result, validate(dir, result.yaml()));
  }

  /**
   * Runs {@code agent validate} (the command, through picocli) on the YAML, asserts that it accepts
   * it, and returns the configuration as the agent loads it.
   */
  static AgentConfig validate(Path dir, String yaml) {
    Path file = write(dir, "imported-" + System.nanoTime() + ".yaml", yaml);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("validate", "--config", file.toString());
    assertThat(code).as("agent validate of the import:\n%s\nsays:\n%s", yaml, err).isZero();
    try {
      return ConfigLoader.load(file, Map.of());
    } catch (ConfigException e) {
      throw new AssertionError("validate passed but loading failed: " + e.getMessage(), e);
    }
  }

  record Validated(LogrotateImport.Result result, AgentConfig config) {
    FileConfig file(String path) {
      return config.files().stream()
          .filter(f -> f.path().equals(path))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no entry for " + path + " in\n" + result.yaml()));
    }

    List<String> warnings() {
      return result.warnings().stream().map(ImportWarning::toString).toList();
    }
  }
}
