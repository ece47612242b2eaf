package io.fleetrotate.coordinator;

import io.fleetrotate.coordinator.cli.RunCommand;
import io.fleetrotate.coordinator.cli.ValidateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code coordinator.jar}. */
@Command(
    name = "fleetrotate coordinator",
    mixinStandardHelpOptions = true,
    versionProvider = CoordinatorMain.Version.class,
    description =
        "Collects heartbeats and rotation events from every agent and serves the fleet view.",
    subcommands = {RunCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class},
    footer = {
      "",
      "Examples:",
      "  fleetrotate coordinator validate --config /etc/fleetrotate/coordinator.yaml",
      "  fleetrotate coordinator run      --config /etc/fleetrotate/coordinator.yaml",
      "",
      "Exit codes: 0 success, 1 could not start, 2 bad configuration or usage."
    })
public final class CoordinatorMain implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new CoordinatorMain()).execute(args));
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CoordinatorMain.class.getPackage().getImplementationVersion();
      return new String[] {"fleetrotate coordinator " + (v == null ? "dev" : v)};
    }
  }
}
