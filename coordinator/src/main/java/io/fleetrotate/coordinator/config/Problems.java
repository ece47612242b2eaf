package io.fleetrotate.coordinator.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** Collects the mistakes found in one file, so loading reports them all at once. */
final class Problems {
  private final String file;
  private final List<ConfigError> errors = new ArrayList<>();

  Problems(String file) {
    this.file = file;
  }

  void add(int line, String keyPath, String message) {
    errors.add(new ConfigError(file, line, keyPath, message));
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  /** The errors in line order (stable: one line's errors keep the order found), repeats dropped. */
  ConfigException toException() {
    List<ConfigError> sorted = new ArrayList<>(new LinkedHashSet<>(errors));
    sorted.sort(Comparator.comparingInt(ConfigError::line));
    return new ConfigException(sorted);
  }
}
