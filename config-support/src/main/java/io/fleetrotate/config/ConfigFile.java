package io.fleetrotate.config;

import java.nio.file.Path;

/** A kind of configuration file a command line loads: the agent's or the coordinator's. */
public interface ConfigFile<T> {
  /** Who reads it, as in "the coordinator did not start": {@code agent}, {@code coordinator}. */
  String owner();

  /** Loads {@code file} with this process' environment, or fails with every mistake in it. */
  T load(Path file) throws ConfigException;
}
