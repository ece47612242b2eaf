package io.fleetrotate.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The one loader of the agent's and the coordinator's YAML: reads a file into a record through a
 * {@link ConfigSchema}, or fails with every mistake in it at once, each as {@code file:line:
 * key.path: what is allowed}.
 *
 * <p>The file is read with SnakeYAML's node API only: no Java object is ever constructed from YAML,
 * so tags cannot instantiate classes, and every value keeps its line for error messages. {@code
 * ${VAR}} and {@code ${VAR:-default}} are substituted in values, never in the raw text.
 */
public final class YamlConfigLoader {
  /** Aliases only make sense for small files; refuse alias bombs. */
  private static final int MAX_ALIASES = 50;

  private YamlConfigLoader() {}

  /**
   * Loads {@code file}.
   *
   * @param root what to say of a file without a root mapping
   * @param schema the schema, given the context its readers report to
   */
  public static <T> T load(
      Path file,
      EnvSubstitution env,
      ConfigSchema.Root root,
      Function<ReadContext, ConfigSchema<T>> schema)
      throws ConfigException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(env, "env");
    Problems problems = new Problems(file.toString());
    ReadContext ctx = new ReadContext(problems, env);
    ConfigSchema<T> reader = schema.apply(ctx);
    Node node = compose(file, problems);
    T config = null;
    if (node instanceof MappingNode mapping) {
      config = reader.read(file, YamlMap.of(mapping, "", 1, ctx));
    } else if (node != null) {
      problems.add(
          YamlValue.lineOf(node), "", "the file must be a mapping of keys such as " + root.keys());
    } else if (problems.isEmpty()) {
      problems.add(1, "", "the file is empty; " + root.whenEmpty());
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
    options.setMaxAliasesForCollections(MAX_ALIASES);
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
}
