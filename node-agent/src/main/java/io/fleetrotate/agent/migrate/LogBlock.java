package io.fleetrotate.agent.migrate;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A logrotate block: its paths (globs allowed) and the directives in force for it, which are the
 * global defaults at its opening brace overlaid with its own, keyed by the setting they decide (so
 * {@code nocompress} replaces {@code compress}, and {@code size} replaces {@code daily}).
 */
record LogBlock(Origin origin, List<String> paths, Map<String, Directive> settings) {
  LogBlock {
    paths = List.copyOf(paths);
    settings = Map.copyOf(settings);
  }

  Optional<Directive> get(String setting) {
    return Optional.ofNullable(settings.get(setting));
  }

  /** Whether the setting is in force and was written as {@code name} (not its {@code no} form). */
  boolean is(String setting, String name) {
    return get(setting).map(d -> d.name().equals(name)).orElse(false);
  }
}
