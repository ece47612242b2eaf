package io.fleetrotate.config;

import java.util.Objects;

/**
 * One mistake in a configuration file.
 *
 * @param file the file as it was given to the loader
 * @param line 1-based line of the offending key or value; 0 when the mistake has no line (the file
 *     cannot be read)
 * @param keyPath where the value sits, e.g. {@code files[1].trigger.maxSize}; empty for mistakes
 *     about the file as a whole (YAML syntax)
 * @param message one sentence: what is wrong and what is allowed
 */
public record ConfigError(String file, int line, String keyPath, String message) {
  public ConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keyPath, "keyPath");
    Objects.requireNonNull(message, "message");
  }

  /** {@code file:line: keyPath: message}, leaving out the line when 0 and the path when empty. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(file);
    if (line > 0) {
      out.append(':').append(line);
    }
    out.append(": ");
    if (!keyPath.isEmpty()) {
      out.append(keyPath).append(": ");
    }
    return out.append(message).toString();
  }
}
