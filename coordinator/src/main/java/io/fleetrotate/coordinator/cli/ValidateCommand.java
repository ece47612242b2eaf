package io.fleetrotate.coordinator.cli;

import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import picocli.CommandLine.Command;

/** {@code coordinator validate}: the shared command on the coordinator's file. */
@Command(name = "validate")
public final class ValidateCommand
    extends io.fleetrotate.config.cli.ValidateCommand<CoordinatorConfig> {
  public ValidateCommand() {
    super(ConfigLoader.FILE);
  }
}
