package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.UnwatchedPaths;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code agent validate}: the shared command on the agent's file, with its path warnings. */
@Command(name = "validate")
public final class ValidateCommand extends io.fleetrotate.config.cli.ValidateCommand<AgentConfig> {
  public ValidateCommand() {
    super(ConfigLoader.FILE);
  }

  @Override
  protected List<String> warnings(AgentConfig c) {
    return UnwatchedPaths.of(c);
  }
}
