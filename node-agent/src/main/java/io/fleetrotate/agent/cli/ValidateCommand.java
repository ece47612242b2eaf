package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a configuration without running anything.",
      "Prints every error with file:line, the key path and what is allowed; exit code 2 if any."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AgentConfig c = config.loadOrReport(spec.commandLine().getErr());
    if (c == null) {
      return 2;
    }
    spec.commandLine()
        .getOut()
        .printf(
            "%s is valid: node %s, group %s, %d file entr%s, lock backend %s%n",
            config.file,
            c.node().id(),
            c.node().group(),
            c.files().size(),
            c.files().size() == 1 ? "y" : "ies",
            c.lock().backend().wireName());
    return 0;
  }
}
