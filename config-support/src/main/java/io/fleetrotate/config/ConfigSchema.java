package io.fleetrotate.config;

import java.nio.file.Path;

/**
 * One side's configuration file: how its root mapping is read, and what to say when the file has
 * none. {@link YamlConfigLoader} does the rest (YAML, {@code ${VAR}}, every problem with
 * file:line).
 */
public interface ConfigSchema<T> {
  /** Reads the root mapping; the result is meaningful only if no problem was reported. */
  T read(Path source, YamlMap root);

  /** Some root keys, to complete "the file must be a mapping of keys such as ...". */
  String rootKeys();

  /** What an empty file lacks, to complete "the file is empty; ...". */
  String whenEmpty();
}
