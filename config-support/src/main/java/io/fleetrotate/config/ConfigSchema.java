package io.fleetrotate.config;

import java.nio.file.Path;

/**
 * One side's configuration: how its root mapping is read. {@link YamlConfigLoader} does the rest
 * (YAML, {@code ${VAR}}, every problem with file:line).
 */
@FunctionalInterface
public interface ConfigSchema<T> {
  /** Reads the root mapping; the result is meaningful only if no problem was reported. */
  T read(Path source, YamlMap root);

  /**
   * What to say of a file that is not a mapping or is empty.
   *
   * @param keys some root keys, to complete "the file must be a mapping of keys such as ..."
   * @param whenEmpty what an empty file lacks, to complete "the file is empty; ..."
   */
  record Root(String keys, String whenEmpty) {}
}
