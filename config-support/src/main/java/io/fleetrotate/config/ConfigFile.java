package io.fleetrotate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * A kind of configuration file a command line loads: the agent's or the coordinator's.
 *
 * @param owner who reads it, as in "the coordinator did not start": {@code agent}, {@code
 *     coordinator}
 * @param loader loads a file with this process' environment
 * @param listens the ports a loaded configuration makes its owner listen on, checked before start
 * @param summary what a valid configuration sets up, in one line, completing "FILE is valid: ..."
 */
public record ConfigFile<T>(
    String owner,
    Loader<T> loader,
    Function<T, List<ListenPort>> listens,
    Function<T, String> summary) {
  /** Loads a file, or fails with every mistake in it. */
  @FunctionalInterface
  public interface Loader<T> {
    T load(Path file) throws ConfigException;
  }

  public T load(Path file) throws ConfigException {
    return loader.load(file);
  }
}
