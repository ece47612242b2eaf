package io.fleetrotate.coordinator.config;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.ConfigFile;
import io.fleetrotate.config.EnvSubstitution;
import io.fleetrotate.config.HostName;
import io.fleetrotate.config.YamlConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads {@code coordinator.yaml} into a {@link CoordinatorConfig}, or fails with every mistake in
 * it at once: the coordinator's schema ({@link CoordinatorConfigReader}) on the shared {@link
 * YamlConfigLoader}.
 */
public final class ConfigLoader {
  /** The coordinator's configuration file, for the shared command line. */
  public static final ConfigFile<CoordinatorConfig> FILE =
      new ConfigFile<>() {
        @Override
        public String owner() {
          return "coordinator";
        }

        @Override
        public CoordinatorConfig load(Path file) throws ConfigException {
          return ConfigLoader.load(file);
        }
      };

  private ConfigLoader() {}

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
        CoordinatorConfigReader::new);
  }
}
