package io.fleetrotate.coordinator.cli;

import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import picocli.CommandLine.Command;

/** {@code coordinator validate}: the shared command with the coordinator's summary. */
@Command(name = "validate")
public final class ValidateCommand
    extends io.fleetrotate.config.cli.ValidateCommand<CoordinatorConfig> {
  public ValidateCommand() {
    super(ConfigLoader.FILE);
  }

  @Override
  protected String summary(CoordinatorConfig c) {
    return String.format(
        "http %s:%d, store %s, hazelcast %s, %d agent and %d admin token(s)",
        c.http().bind(),
        c.http().port(),
        c.store().dir(),
        c.hazelcast().enabled() ? c.hazelcast().bind() + ":" + c.hazelcast().port() : "off",
        c.auth().agentTokens().size(),
        c.auth().adminTokens().size());
  }
}
