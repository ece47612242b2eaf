package io.fleetrotate.chaos.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's deployment files as the tests read them: {@code docker-compose.yml} at the root,
 * everything under {@code deploy/}, and the runnable jars the fleet is built from.
 */
final class ComposeProject {
  static final List<String> HOSTS = List.of("mcp-host-1", "mcp-host-2", "mcp-host-3");

  private static final Path ROOT = findRoot();

  private ComposeProject() {}

  /**
   * The repository root: the first directory up from the working directory with the compose file.
   */
  static Path root() {
    return ROOT;
  }

  static Path file(String relative) {
    return ROOT.resolve(relative);
  }

  /** The parsed {@code docker-compose.yml}; YAML merge keys ({@code <<: *anchor}) are resolved. */
  static Map<String, Object> compose() {
    return yaml(file("docker-compose.yml"));
  }

  static Map<String, Object> services() {
    return map(compose().get("services"), "services");
  }

  static Map<String, Object> service(String name) {
    Object s = services().get(name);
    if (s == null) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return map(s, "services." + name);
  }

  static Map<String, Object> yaml(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      Object doc = new Yaml(new SafeConstructor(options)).load(Files.readString(file));
      return map(doc, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project version, from the root pom (the tag of the images compose builds). */
  static String projectVersion() {
    try {
      String pom = Files.readString(file("pom.xml"));
      Matcher m =
          Pattern.compile(
                  "<artifactId>fleetrotate-parent</artifactId>\\s*<version>([^<]+)</version>")
              .matcher(pom);
      if (!m.find()) {
        throw new AssertionError("no version for fleetrotate-parent in pom.xml");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A runnable jar, {@code node-agent} or {@code coordinator}; the build must have made it. */
  static Path jar(String module) {
    Path jar = file(module + "/target/" + module + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          jar
              + " is missing: these tests run the real jars. Build them first:"
              + " ./mvnw -B -q install -DskipTests (./mvnw -B verify builds them before chaos).");
    }
    return jar;
  }

  /** The java that runs the tests, to start the jars with. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** One mount of a service, long or short syntax, as source, target, read-only. */
  record Mount(String source, String target, boolean readOnly) {
    boolean isBind() {
      return source.startsWith(".") || source.startsWith("/");
    }
  }

  static List<Mount> mounts(String serviceName) {
    List<Mount> mounts = new ArrayList<>();
    Object volumes = service(serviceName).get("volumes");
    if (volumes == null) {
      return mounts;
    }
    for (Object v : list(volumes, serviceName + ".volumes")) {
      if (v instanceof String s) {
        String[] parts = s.split(":");
        if (parts.length < 2) {
          throw new AssertionError(serviceName + ": anonymous volume " + s + " (name it)");
        }
        mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].contains("ro")));
      } else {
        Map<String, Object> m = map(v, serviceName + ".volumes[]");
        mounts.add(
            new Mount(
                String.valueOf(m.get("source")),
                String.valueOf(m.get("target")),
                Boolean.TRUE.equals(m.get("read_only"))));
      }
    }
    return mounts;
  }

  /** The mount whose target is {@code target} in a service. */
  static Mount mountAt(String serviceName, String target) {
    return mounts(serviceName).stream()
        .filter(m -> m.target().equals(target))
        .findFirst()
        .orElseThrow(() -> new AssertionError(serviceName + " mounts nothing at " + target));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String where) {
    if (!(o instanceof Map)) {
      throw new AssertionError(where + " is not a mapping: " + o);
    }
    return new LinkedHashMap<>((Map<String, Object>) o);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o, String where) {
    if (!(o instanceof List)) {
      throw new AssertionError(where + " is not a list: " + o);
    }
    return (List<Object>) o;
  }

  /** {@code a.b.c} in nested mappings, or null. */
  static Object at(Map<String, Object> doc, String path) {
    Object current = doc;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  private static Path findRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("docker-compose.yml"))
          && Files.isRegularFile(d.resolve("mvnw"))) {
        return d;
      }
    }
    throw new IllegalStateException("no docker-compose.yml above " + dir);
  }
}
