package io.fleetrotate.config;

/**
 * A configuration value, a command-line argument or a string from an operator could not be read.
 * The message is one sentence that quotes the value and says what to write instead, so callers can
 * print it after the place the value came from (a key path, an option name).
 */
public final class ValueFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ValueFormatException(String message) {
    super(message);
  }
}
