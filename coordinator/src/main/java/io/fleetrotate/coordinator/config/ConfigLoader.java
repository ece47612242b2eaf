package io.fleetrotate.coordinator.config;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.ConfigFile;
import io.fleetrotate.config.EnvSubstitution;
import io.fleetrotate.config.HostName;
import io.fleetrotate.config.ListenPort;
import io.fleetrotate.config.YamlConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code coordinator.yaml} into a {@link CoordinatorConfig}, or fails with every mistake in
 * it at once: the coordinator's schema ({@link CoordinatorConfigReader}) on the shared {@link
 * YamlConfigLoader}.
 */
public final class ConfigLoader {
  /** The coordinator's configuration file, for the shared command line. */
  public static final ConfigFile<CoordinatorConfig> FILE =
      new ConfigFile<>(
          "coordinator", ConfigLoader::load, ConfigLoader::listens, ConfigLoader::summary);

  private ConfigLoader() {}

  /** HTTP, and the Hazelcast member unless it is off. */
  private static List<ListenPort> listens(CoordinatorConfig c) {
    ListenPort http = new ListenPort("http.port", c.http().bind(), c.http().port());
    return c.hazelcast().enabled()
        ? List.of(
            http, new ListenPort("hazelcast.port", c.hazelcast().bind(), c.hazelcast().port()))
        : List.of(http);
  }

  private static String summary(CoordinatorConfig c) {
    return String.format(
        "http %s:%d, store %s, hazelcast %s, %d agent and %d admin token(s)",
        c.http().bind(),
        c.http().port(),
        c.store().dir(),
        c.hazelcast().enabled() ? c.hazelcast().bind() + ":" + c.hazelcast().port() : "off",
        c.auth().agentTokens().size(),
        c.auth().adminTokens().size());
  }

  /** Loads {@code file}, substituting from this process' environment. */
  public static CoordinatorConfig load(Path file) throws ConfigException {
    return load(file, System.getenv());
  }

  /**
   * Loads {@code file}, substituting {@code ${VAR}} and {@code ${VAR:-default}} from {@code env}.
   */
  public static CoordinatorConfig load(Path file, Map<String, String> env) throws ConfigException {
    return YamlConfigLoader.load(
        file,
        new EnvSubstitution(env, HostName.from(env, HostName::ofMachine)),
        CoordinatorConfigReader.ROOT,
        CoordinatorConfigReader::new);
  }
}
