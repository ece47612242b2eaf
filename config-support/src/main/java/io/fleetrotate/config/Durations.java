package io.fleetrotate.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the agent configuration and shown in status output.
 *
 * <p>Accepted: one or more parts, each a whole number followed by a unit, largest unit first and
 * each unit at most once: {@code 500ms}, {@code 15s}, {@code 10m}, {@code 24h}, {@code 30d}, {@code
 * 2w}, {@code 1h30m}. A day is 24 hours and a week 7 days (elapsed time, not calendar time). A bare
 * number is refused: {@code 30} could mean seconds or minutes, and guessing wrong rotates 60 times
 * too often or too rarely.
 */
public final class Durations {
  private enum Unit {
    W("w", Duration.ofDays(7)),
    D("d", Duration.ofDays(1)),
    H("h", Duration.ofHours(1)),
    M("m", Duration.ofMinutes(1)),
    S("s", Duration.ofSeconds(1)),
    MS("ms", Duration.ofMillis(1));

    final String symbol;
    final Duration length;

    Unit(String symbol, Duration length) {
      this.symbol = symbol;
      this.length = length;
    }

    static Unit of(String symbol) {
      for (Unit u : values()) {
        if (u.symbol.equals(symbol)) {
          return u;
        }
      }
      return null;
    }
  }

  /** Unit spellings people write, mapped to the unit to suggest instead. */
  private static final Map<String, String> SUGGESTED_UNIT =
      Suggestions.unitSpellings(
          "s", "sec secs second seconds",
          "m", "min mins minute minutes",
          "h", "hr hrs hour hours",
          "d", "day days",
          "w", "week weeks",
          "ms", "msec millis");

  private static final Pattern PART = Pattern.compile("(\\d+)([a-z]+)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+[a-z]+)+");
  private static final Pattern LOOSE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
  private static final String HINT = " (units: ms, s, m, h, d, w; combine like 1h30m)";

  private Durations() {}

  /**
   * Parses a duration such as {@code 1h30m}.
   *
   * @throws ValueFormatException with a sentence that quotes {@code text} and suggests a fix
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new ValueFormatException("no duration given; write e.g. 30s");
    }
    String trimmed = text.strip();
    if (!WHOLE.matcher(trimmed).matches()) {
      throw notADuration(text, trimmed);
    }
    Matcher m = PART.matcher(trimmed);
    Duration total = Duration.ZERO;
    Unit previous = null;
    while (m.find()) {
      Unit unit = Unit.of(m.group(2));
      if (unit == null) {
        throw notADuration(text, trimmed);
      }
      if (previous != null && unit.ordinal() <= previous.ordinal()) {
        throw new ValueFormatException(
            Sizes.quote(text)
                + " is not a duration: write the largest unit first and each unit once, e.g. 1h30m");
      }
      previous = unit;
      try {
        total = total.plus(unit.length.multipliedBy(Long.parseLong(m.group(1))));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new ValueFormatException(Sizes.quote(text) + " is too long for a duration");
      }
    }
    try {
      // Callers work in milliseconds; refusing what does not fit keeps format() total.
      total.toMillis();
    } catch (ArithmeticException e) {
      throw new ValueFormatException(Sizes.quote(text) + " is too long for a duration");
    }
    return total;
  }

  /**
   * Formats a duration the way {@link #parse} reads it, largest unit first, up to days: {@code
   * 90min -> "1h30m"}, {@code 0 -> "0s"}. Precision is one millisecond (anything finer is dropped),
   * so {@code parse(format(d)) == d} for whole milliseconds.
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    // Weeks are accepted on input but "30d" reads better than "4w2d" in status output.
    for (Unit unit : new Unit[] {Unit.D, Unit.H, Unit.M, Unit.S, Unit.MS}) {
      long unitMillis = unit.length.toMillis();
      long count = millis / unitMillis;
      if (count > 0) {
        out.append(count).append(unit.symbol);
        millis -= count * unitMillis;
      }
    }
    return out.toString();
  }

  private static ValueFormatException notADuration(String text, String trimmed) {
    Matcher loose = LOOSE.matcher(trimmed);
    String example = "30s";
    if (loose.matches()) {
      String unit = loose.group(2);
      String lower = unit.toLowerCase(Locale.ROOT);
      if (unit.isEmpty()) {
        return new ValueFormatException(
            Sizes.quote(text)
                + " is not a duration: it needs a unit; write e.g. "
                + loose.group(1)
                + "s"
                + HINT);
      } else if (Unit.of(lower) != null) {
        example = loose.group(1) + lower;
      } else if (SUGGESTED_UNIT.containsKey(lower)) {
        example = loose.group(1) + SUGGESTED_UNIT.get(lower);
      }
    }
    return new ValueFormatException(
        Sizes.quote(text) + " is not a duration; write e.g. " + example + HINT);
  }
}
