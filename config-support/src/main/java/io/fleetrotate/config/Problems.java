package io.fleetrotate.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** Collects the mistakes found in one file, so loading reports them all at once. */
public final class Problems {
  private final String file;
  private final List<ConfigError> errors = new ArrayList<>();

  public Problems(String file) {
    this.file = file;
  }

  public void add(int line, String keyPath, String message) {
    errors.add(new ConfigError(file, line, keyPath, message));
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** The errors in line order (stable: one line's errors keep the order found), repeats dropped. */
  public ConfigException toException() {
    List<ConfigError> sorted = new ArrayList<>(new LinkedHashSet<>(errors));
    sorted.sort(Comparator.comparingInt(ConfigError::line));
    return new ConfigException(sorted);
  }
}
