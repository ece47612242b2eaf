package io.fleetrotate.chaos.fleet;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the runnable jars are: {@code node-agent/target/node-agent.jar} and {@code
 * coordinator/target/coordinator.jar} under a fleetrotate checkout, and the classpath that holds
 * this module (for the simulated MCP server).
 *
 * @param home the checkout
 * @param agentJar the node agent's shaded jar
 * @param coordinatorJar the coordinator's shaded jar
 * @param chaosClasspath absolute classpath of this module and its dependencies
 */
public record FleetJars(Path home, Path agentJar, Path coordinatorJar, String chaosClasspath) {

  /** The jars under {@code home}; fails with one sentence when one is missing. */
  public static FleetJars at(Path home) {
    Path h = home.toAbsolutePath().normalize();
    FleetJars jars =
        new FleetJars(
            h,
            h.resolve("node-agent/target/node-agent.jar"),
            h.resolve("coordinator/target/coordinator.jar"),
            ownClasspath());
    for (Path jar : List.of(jars.agentJar, jars.coordinatorJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            jar + " does not exist; build it with './fleetrotate build' (or ./mvnw install).");
      }
    }
    return jars;
  }

  /**
   * The checkout: the system property {@code fleetrotate.home}, else the directory above this
   * module ({@code chaos/target/chaos.jar} or {@code chaos/target/classes}), else the working
   * directory or one of its parents that holds {@code node-agent/target/node-agent.jar}.
   */
  public static FleetJars locate() {
    String prop = System.getProperty("fleetrotate.home");
    if (prop != null && !prop.isBlank()) {
      return at(Path.of(prop));
    }
    // .../chaos/target/chaos.jar or .../chaos/target/classes: three levels up is the checkout.
    Optional<Path> fromCode =
        codeLocation().map(p -> p.getParent()).map(p -> p.getParent()).map(p -> p.getParent());
    if (fromCode.isPresent() && hasAgentJar(fromCode.get())) {
      return at(fromCode.get());
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (hasAgentJar(p)) {
        return at(p);
      }
    }
    throw new IllegalStateException(
        "cannot find node-agent/target/node-agent.jar from "
            + Path.of("").toAbsolutePath()
            + "; pass --home with the fleetrotate checkout, or build it with './fleetrotate"
            + " build'.");
  }

  private static boolean hasAgentJar(Path dir) {
    return dir != null && Files.isRegularFile(dir.resolve("node-agent/target/node-agent.jar"));
  }

  /** {@code .../chaos/target/chaos.jar} or {@code .../chaos/target/classes}. */
  private static Optional<Path> codeLocation() {
    try {
      var source = FleetJars.class.getProtectionDomain().getCodeSource();
      return source == null
          ? Optional.empty()
          : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** This JVM's classpath with every entry made absolute, for child JVMs started elsewhere. */
  private static String ownClasspath() {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isBlank()) {
        entries.add(Path.of(e).toAbsolutePath().normalize().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The {@code java} of this JVM, so that children run on the same Java. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
