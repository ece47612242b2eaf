package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Writes configuration files for tests and loads them with a fixed host name and zone. */
final class ConfigFiles {
  static final String HOST = "test-host";
  static final ZoneId ZONE = ZoneId.of("UTC");
  static final String ONE_FILE = "files:\n  - path: /var/log/app.log\n";

  private ConfigFiles() {}

  static Path write(Path dir, String yaml) {
    try {
      return Files.writeString(dir.resolve("agent.yaml"), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path copyResource(Path dir, String resource, String fileName) {
    try (InputStream in =
        Objects.requireNonNull(
            ConfigFiles.class.getResourceAsStream(resource), "no resource " + resource)) {
      Path target = dir.resolve(fileName);
      Files.copy(in, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host's users and groups, and those the shipped example names (user mcp, group adm). */
  static final Accounts ACCOUNTS =
      new Accounts() {
        @Override
        public OptionalInt uid(String nameOrId) {
          return nameOrId.equals("mcp") ? OptionalInt.of(1001) : Accounts.HOST.uid(nameOrId);
        }

        @Override
        public OptionalInt gid(String nameOrId) {
          return nameOrId.equals("adm") ? OptionalInt.of(4) : Accounts.HOST.gid(nameOrId);
        }
      };

  static AgentConfig load(Path file, Map<String, String> env) throws ConfigException {
    return ConfigLoader.load(file, env, () -> Optional.of(HOST), ZONE, ACCOUNTS);
  }

  static AgentConfig load(Path dir, String yaml) throws ConfigException {
    return load(write(dir, yaml), Map.of());
  }

  /** Loads a file that must fail, and returns its errors. */
  static List<ConfigError> errors(Path dir, String yaml) {
    return errors(write(dir, yaml), Map.of());
  }

  static List<ConfigError> errors(Path file, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(file, env));
    assertThat(e).as("loading %s must fail", file).isNotNull();
    return e.errors();
  }

  /** The only error of a file that must fail with exactly one. */
  static ConfigError onlyError(Path dir, String yaml) {
    List<ConfigError> errors = errors(dir, yaml);
    assertThat(errors).hasSize(1);
    return errors.get(0);
  }
}
