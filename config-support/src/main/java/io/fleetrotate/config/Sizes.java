package io.fleetrotate.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in the agent's and the coordinator's configuration, and shown in output.
 *
 * <p>Accepted: a number followed, without a space, by one of the binary units {@code B, KiB, MiB,
 * GiB, TiB}, or a bare number meaning bytes ({@code 1048576}, {@code 100MiB}, {@code 1.5GiB}). A
 * decimal fraction is accepted with a unit larger than B, rounded to the nearest byte. Decimal (SI)
 * units like {@code MB} and one-letter shorthands like {@code M} are refused, by the agent and the
 * coordinator alike, with the binary unit suggested: operators read them in both meanings, and a
 * budget that is 5% off is a budget that fills a disk.
 */
public final class Sizes {
  /** The units a size may be written in, smallest first. */
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  /** Units people write that mean a power of 1024 here, mapped to the unit to suggest instead. */
  private static final Map<String, String> SUGGESTED_UNIT =
      Suggestions.unitSpellings(
          "B", "b byte bytes",
          "KiB", "k kb kib",
          "MiB", "m mb mib",
          "GiB", "g gb gib",
          "TiB", "t tb tib");

  private static final Pattern SIZE = Pattern.compile("(\\d+)(?:\\.(\\d+))?([A-Za-z]*)");
  private static final Pattern LOOSE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
  private static final String UNIT_LIST = "B, KiB, MiB, GiB, TiB";

  /** Decimal (SI) units people write, refused with their reason. */
  private static final Pattern DECIMAL_UNIT = Pattern.compile("(?i)[kmgt]b");

  private Sizes() {}

  /**
   * Parses a size such as {@code 100MiB} into bytes.
   *
   * @throws ValueFormatException with a sentence that quotes {@code text} and suggests a fix
   */
  public static long parse(String text) {
    if (text == null) {
      throw new ValueFormatException("no size given; write e.g. 100MiB");
    }
    String trimmed = text.strip();
    Matcher m = SIZE.matcher(trimmed);
    long multiplier = m.matches() ? multiplierOf(m.group(3)) : -1;
    if (multiplier < 0) {
      throw new ValueFormatException(
          quote(text) + " is not a size; write e.g. " + suggestion(trimmed) + unitsHint(trimmed));
    }
    BigDecimal number =
        new BigDecimal(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
    if (multiplier == 1 && m.group(2) != null) {
      throw new ValueFormatException(quote(text) + " is not a whole number of bytes");
    }
    // Rounded so that what format() prints ("1.1KiB") reads back, to the nearest byte.
    BigDecimal bytes =
        number.multiply(BigDecimal.valueOf(multiplier)).setScale(0, RoundingMode.HALF_UP);
    try {
      return bytes.longValueExact();
    } catch (ArithmeticException e) {
      throw new ValueFormatException(quote(text) + " is too large for a size");
    }
  }

  /**
   * Formats bytes for people: the largest unit that keeps the number at least 1, with at most one
   * decimal ({@code 1536 -> "1.5KiB"}, {@code 100 -> "100B"}). Lossy; use {@link #formatExact} when
   * the result must parse back to the same number.
   */
  public static String format(long bytes) {
    BigDecimal value = BigDecimal.valueOf(bytes).abs();
    String sign = bytes < 0 ? "-" : "";
    int unit = 0;
    BigDecimal k = BigDecimal.valueOf(1024);
    while (unit < UNITS.length - 1 && value.compareTo(k) >= 0) {
      value = value.divide(k);
      unit++;
    }
    BigDecimal rounded = value.setScale(1, RoundingMode.HALF_UP);
    // 1023.97KiB rounds to 1024.0KiB; show it as 1MiB instead.
    if (unit < UNITS.length - 1 && rounded.compareTo(k) >= 0) {
      rounded = rounded.divide(k).setScale(1, RoundingMode.HALF_UP);
      unit++;
    }
    return sign + rounded.stripTrailingZeros().toPlainString() + UNITS[unit];
  }

  /**
   * Formats bytes in the largest unit that divides them exactly ({@code 104857600 -> "100MiB"},
   * {@code 1536 -> "1536B"}), so that {@code parse(formatExact(n)) == n}.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative (sizes are never negative)
   */
  public static String formatExact(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size is never negative: " + bytes);
    }
    int unit = 0;
    long value = bytes;
    while (unit < UNITS.length - 1 && value != 0 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + UNITS[unit];
  }

  /** Returns the number of bytes in {@code unit}, or -1 for a unit that is not accepted. */
  private static long multiplierOf(String unit) {
    if (unit.isEmpty()) {
      return 1;
    }
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) {
        return 1L << (10 * i);
      }
    }
    return -1;
  }

  /** Builds the "write e.g. ..." part from what the user wrote, keeping their number if any. */
  private static String suggestion(String trimmed) {
    Matcher loose = LOOSE.matcher(trimmed);
    if (loose.matches()) {
      String unit =
          loose.group(2).isEmpty()
              ? "B"
              : SUGGESTED_UNIT.get(loose.group(2).toLowerCase(Locale.ROOT));
      if (unit != null) {
        return loose.group(1) + unit;
      }
    }
    return "100MiB";
  }

  /** The accepted units, and why a decimal unit such as MB is not one of them. */
  private static String unitsHint(String trimmed) {
    Matcher loose = LOOSE.matcher(trimmed);
    String why =
        loose.matches() && DECIMAL_UNIT.matcher(loose.group(2)).matches()
            ? "; "
                + loose.group(2)
                + " is refused because it is read both as a power of 1000 and of 1024"
            : "";
    return " (units: " + UNIT_LIST + ", no space before the unit" + why + ")";
  }

  public static String quote(String text) {
    return '"' + text + '"';
  }
}
