package io.fleetrotate.agent.config;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.ConfigFile;
import io.fleetrotate.config.EnvSubstitution;
import io.fleetrotate.config.HostName;
import io.fleetrotate.config.ListenPort;
import io.fleetrotate.config.YamlConfigLoader;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads {@code agent.yaml} into an {@link AgentConfig}, or fails with every mistake in it: the
 * agent's schema ({@link AgentConfigReader}) on the shared {@link YamlConfigLoader}.
 */
public final class ConfigLoader {
  /** The agent's configuration file, for the shared command line. */
  public static final ConfigFile<AgentConfig> FILE =
      new ConfigFile<>("agent", ConfigLoader::load, ConfigLoader::listens, ConfigLoader::summary);

  private ConfigLoader() {}

  /** The HTTP server of /health and /metrics, unless it is off. */
  private static List<ListenPort> listens(AgentConfig c) {
    return c.http().enabled() ? List.of(c.http().listenPort()) : List.of();
  }

  private static String summary(AgentConfig c) {
    return String.format(
        "node %s, group %s, %d file entr%s, lock backend %s",
        c.node().id(),
        c.node().group(),
        c.files().size(),
        c.files().size() == 1 ? "y" : "ies",
        c.lock().backend().wireName());
  }

  /** Loads {@code file}, substituting from this process' environment. */
  public static AgentConfig load(Path file) throws ConfigException {
    return load(file, System.getenv());
  }

  /** Loads {@code file}, substituting {@code ${VAR}} from {@code env}. */
  public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException {
    return load(file, env, HostName::ofMachine, ZoneId.systemDefault());
  }

  /**
   * Loads with the machine's host name and time zone given, so tests do not depend on the host.
   *
   * @param machineHostName used for {@code ${HOSTNAME}} and the default node id when the
   *     environment has no {@code HOSTNAME}
   * @param defaultZone the zone of schedules written without a timeZone
   */
  static AgentConfig load(
      Path file,
      Map<String, String> env,
      Supplier<Optional<String>> machineHostName,
      ZoneId defaultZone)
      throws ConfigException {
    return load(file, env, machineHostName, defaultZone, Accounts.HOST);
  }

  /** As above, with the users and groups that {@code create.owner} and {@code group} may name. */
  static AgentConfig load(
      Path file,
      Map<String, String> env,
      Supplier<Optional<String>> machineHostName,
      ZoneId defaultZone,
      Accounts accounts)
      throws ConfigException {
    Supplier<Optional<String>> hostName = HostName.from(env, machineHostName);
    return YamlConfigLoader.load(
        file,
        new EnvSubstitution(env, hostName),
        AgentConfigReader.ROOT,
        yaml -> new AgentConfigReader(new AgentReadContext(yaml, hostName, defaultZone, accounts)));
  }
}
