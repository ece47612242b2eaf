package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.UnwatchedPaths;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code agent validate}: the shared command with the agent's summary and path warnings. */
@Command(name = "validate")
public final class ValidateCommand extends io.fleetrotate.config.cli.ValidateCommand<AgentConfig> {
  public ValidateCommand() {
    super(ConfigLoader.FILE);
  }

  @Override
  protected String summary(AgentConfig c) {
    return String.format(
        "node %s, group %s, %d file entr%s, lock backend %s",
        c.node().id(),
        c.node().group(),
        c.files().size(),
        c.files().size() == 1 ? "y" : "ies",
        c.lock().backend().wireName());
  }

  @Override
  protected List<String> warnings(AgentConfig c) {
    return UnwatchedPaths.of(c);
  }
}
