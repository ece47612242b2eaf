package io.fleetrotate.coordinator.config;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.EnvSubstitution;
import io.fleetrotate.config.Problems;
import io.fleetrotate.config.ReadContext;
import io.fleetrotate.config.YamlMap;
import io.fleetrotate.config.YamlValue;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code coordinator.yaml} into a {@link CoordinatorConfig}, or fails with every mistake in
 * it at once, each as {@code file:line: key.path: what is allowed}.
 *
 * <p>The file is read with SnakeYAML's node API only: no Java object is ever constructed from YAML,
 * so tags cannot instantiate classes, and every value keeps its line for error messages. {@code
 * ${VAR}} and {@code ${VAR:-default}} are substituted in values (see coordinator-example.yaml).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads {@code file}, substituting from this process' environment. */
  public static CoordinatorConfig load(Path file) throws ConfigException {
    return load(file, System.getenv());
  }

  /** Loads {@code file}, substituting {@code ${VAR}} from {@code env}. */
  public static CoordinatorConfig load(Path file, Map<String, String> env) throws ConfigException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(env, "env");
    Problems problems = new Problems(file.toString());
    ReadContext ctx =
        new ReadContext(problems, new EnvSubstitution(env, ConfigLoader::machineHostName));
    Node root = compose(file, problems);
    CoordinatorConfig config = null;
    if (root instanceof MappingNode mapping) {
      config = new CoordinatorConfigReader(ctx).read(file, YamlMap.of(mapping, "", 1, ctx));
    } else if (root != null) {
      problems.add(
          YamlValue.lineOf(root), "", "the file must be a mapping of keys such as http, auth");
    } else if (problems.isEmpty()) {
      problems.add(1, "", "the file is empty; at least auth.agentTokens and auth.adminTokens");
    }
    if (!problems.isEmpty()) {
      throw problems.toException();
    }
    return config;
  }

  /** Parses the YAML into nodes; a syntax error is reported with its line and yields null. */
  private static Node compose(Path file, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    // Aliases only make sense for small files; refuse alias bombs.
    options.setMaxAliasesForCollections(50);
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

  private static Optional<String> machineHostName() {
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
