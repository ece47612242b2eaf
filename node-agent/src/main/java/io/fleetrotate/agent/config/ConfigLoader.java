package io.fleetrotate.agent.config;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.EnvSubstitution;
import io.fleetrotate.config.Problems;
import io.fleetrotate.config.ReadContext;
import io.fleetrotate.config.YamlMap;
import io.fleetrotate.config.YamlValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code agent.yaml} into an {@link AgentConfig}, or fails with every mistake in it.
 *
 * <p>The file is read with SnakeYAML's node API only: no Java object is ever constructed from YAML,
 * so tags cannot instantiate classes, and every value keeps its line for error messages. {@code
 * ${VAR}} references are substituted in values (see the example configuration).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

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
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(env, "env");
    Problems problems = new Problems(file.toString());
    Supplier<Optional<String>> hostName =
        memoize(
            () ->
                Optional.ofNullable(env.get("HOSTNAME"))
                    .filter(h -> !h.isEmpty())
                    .or(machineHostName));
    AgentReadContext ctx =
        new AgentReadContext(
            new ReadContext(problems, new EnvSubstitution(env, hostName)),
            hostName,
            defaultZone,
            accounts);

    Node root = compose(file, problems);
    AgentConfig config = null;
    if (root instanceof MappingNode mapping) {
      config = new AgentConfigReader(ctx).read(file, YamlMap.of(mapping, "", 1, ctx.yaml()));
    } else if (root != null) {
      problems.add(
          YamlValue.lineOf(root),
          "",
          "the file must be a mapping of keys such as node, lock, files");
    } else if (problems.isEmpty()) {
      problems.add(1, "", "the file is empty; at least files must be configured");
    }
    if (!problems.isEmpty()) {
      throw problems.toException();
    }
    return config;
  }

  /** Parses the YAML into nodes; a syntax error is reported with its line and yields null. */
  private static Node compose(Path file, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    // Only consulted when constructing objects, which never happens here; duplicates are
    // reported by YamlMap. Set anyway so that no later change to constructing can let them pass.
    options.setAllowDuplicateKeys(false);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      problems.add(line, "", "not valid YAML: " + e.getProblem() + context);
    } catch (YAMLException e) {
      problems.add(0, "", "not valid YAML: " + e.getMessage());
    } catch (IOException e) {
      problems.add(0, "", "cannot read the file: " + describe(e));
    }
    return null;
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "it is not UTF-8 text";
    }
    return e.toString();
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
