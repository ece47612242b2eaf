package io.fleetrotate.chaos;

import io.fleetrotate.chaos.fleet.FleetJars;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --home} option of {@code ./fleetrotate chaos} and {@code ./fleetrotate demo}: which
 * checkout's jars the fleet runs.
 */
public final class HomeOption {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description =
          "The fleetrotate checkout whose node-agent and coordinator jars to run. Default: the"
              + " one this jar was built in.")
  Path home;

  /**
   * The jars under {@code --home}, else under the checkout {@link FleetJars#locate} finds.
   *
   * @throws IllegalStateException with one sentence when a jar is missing
   */
  public FleetJars jars() {
    return home != null ? FleetJars.at(home) : FleetJars.locate();
  }
}
