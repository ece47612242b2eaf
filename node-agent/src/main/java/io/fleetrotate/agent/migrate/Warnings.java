package io.fleetrotate.agent.migrate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warnings of one import, each once, in file and line order: a global directive that cannot be
 * carried over is reported at its own line, not again for every block it applies to.
 */
final class Warnings {
  private record Found(Origin origin, ImportWarning warning) {}

  private final Map<ImportWarning, Found> found = new LinkedHashMap<>();

  void add(Origin at, String directive, String reason) {
    ImportWarning w = new ImportWarning(at.toString(), directive, reason);
    found.putIfAbsent(w, new Found(at, w));
  }

  void add(Directive d, String reason) {
    add(d.origin(), d.name(), reason);
  }

  /** Sorted by file name, then line; warnings of one line keep the order they were found in. */
  List<ImportWarning> list() {
    List<Found> sorted = new ArrayList<>(found.values());
    sorted.sort(
        Comparator.comparing((Found f) -> f.origin().file().toString())
            .thenComparingInt(f -> f.origin().line()));
    return sorted.stream().map(Found::warning).toList();
  }
}
