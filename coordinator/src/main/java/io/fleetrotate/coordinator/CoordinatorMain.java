package io.fleetrotate.coordinator;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code coordinator.jar}. */
@Command(
    name = "fleetrotate coordinator",
    mixinStandardHelpOptions = true,
    versionProvider = CoordinatorMain.Version.class,
    description =
        "Collects heartbeats and rotation events from every agent and serves the fleet view.")
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
