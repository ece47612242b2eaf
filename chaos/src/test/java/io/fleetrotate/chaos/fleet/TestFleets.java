package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where tests keep their fleets' files: under target/, kept after the run for diagnosis. */
public final class TestFleets {
  private TestFleets() {}

  /** A fresh run directory {@code target/fleet-runs/<name>-<time>}. */
  public static Path runDir(String name) {
    Path dir =
        Path.of("target", "fleet-runs")
            .resolve(
                name
                    + "-"
                    + LocalDateTime.now()
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")))
            .toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The jars of this checkout (built by {@code ./mvnw install -DskipTests} or the reactor). */
  public static FleetJars jars() {
    return FleetJars.locate();
  }
}
