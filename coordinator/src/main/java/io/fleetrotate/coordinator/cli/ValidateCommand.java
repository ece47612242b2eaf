package io.fleetrotate.coordinator.cli;

import io.fleetrotate.coordinator.config.CoordinatorConfig;
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
    CoordinatorConfig c = config.loadOrReport(spec.commandLine().getErr());
    if (c == null) {
      return 2;
    }
    spec.commandLine()
        .getOut()
        .printf(
            "%s is valid: http %s:%d, store %s, hazelcast %s, %d agent and %d admin token(s)%n",
            config.file,
            c.http().bind(),
            c.http().port(),
            c.store().dir(),
            c.hazelcast().enabled() ? c.hazelcast().bind() + ":" + c.hazelcast().port() : "off",
            c.auth().agentTokens().size(),
            c.auth().adminTokens().size());
    return 0;
  }
}
