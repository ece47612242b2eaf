package io.fleetrotate.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Finds the known word a mistyped one was probably meant to be. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to {@code typed} by edit distance (ignoring case, a swap of two
   * neighbours counting as one edit), if it is close enough to be a typo rather than another word.
   */
  public static Optional<String> closest(String typed, Collection<String> candidates) {
    String a = typed.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(a, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    int allowed = Math.max(1, Math.min(3, best.length() / 3));
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /**
   * A table of the unit spellings people write, each mapped to the unit to suggest instead.
   *
   * @param unitThenSpellings pairs of a unit and its spellings, lower case and separated by spaces
   */
  static Map<String, String> unitSpellings(String... unitThenSpellings) {
    Map<String, String> table = new HashMap<>();
    for (int i = 0; i < unitThenSpellings.length; i += 2) {
      for (String spelling : unitThenSpellings[i + 1].split(" ")) {
        table.put(spelling, unitThenSpellings[i]);
      }
    }
    return Map.copyOf(table);
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
