package io.fleetrotate.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file could not be loaded. Carries every mistake found, not only the first, so an
 * operator fixes the file in one pass.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  // Transient: the message already holds every error in text, which is what survives serialization.
  private final transient List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** The mistakes, in the order of their lines in the file. */
  public List<ConfigError> errors() {
    return errors;
  }
}
