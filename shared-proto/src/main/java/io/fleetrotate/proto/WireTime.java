package io.fleetrotate.proto;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The wire's timestamps, written and read without java.time's formatter for the common case: every
 * event carries two, and {@link Instant#toString()} and {@link Instant#parse} go through {@code
 * DateTimeFormatterBuilder}'s general printer-parser, which costs microseconds per call and is
 * among the largest methods the JIT compiles after a start. The results are exactly those of {@link
 * Instant#toString()} and {@link Instant#parse}; anything outside the plain case (years beyond
 * 0000-9999, hour 24, a leap second, an impossible date) goes to them.
 */
final class WireTime {
  private static final long SECONDS_PER_DAY = 86_400;
  private static final int[] FRACTION_SCALE = {
    100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  private WireTime() {}

  /** What {@link Instant#toString()} gives. */
  static String format(Instant t) {
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    // Days 0000-01-01 .. 9999-12-31: four-digit years, as ISO_INSTANT writes them.
    if (day < -719_528 || day > 2_932_896) {
      return t.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(day);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    int nano = t.getNano();
    char[] out = new char[30];
    int i = digits(out, 0, date.getYear(), 4);
    out[i++] = '-';
    i = digits(out, i, date.getMonthValue(), 2);
    out[i++] = '-';
    i = digits(out, i, date.getDayOfMonth(), 2);
    out[i++] = 'T';
    i = digits(out, i, secondOfDay / 3600, 2);
    out[i++] = ':';
    i = digits(out, i, secondOfDay / 60 % 60, 2);
    out[i++] = ':';
    i = digits(out, i, secondOfDay % 60, 2);
    // As many digits as needed, in groups of three, as ISO_INSTANT prints the fraction.
    if (nano != 0) {
      out[i++] = '.';
      if (nano % 1_000_000 == 0) {
        i = digits(out, i, nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        i = digits(out, i, nano / 1_000, 6);
      } else {
        i = digits(out, i, nano, 9);
      }
    }
    out[i++] = 'Z';
    return new String(out, 0, i);
  }

  /**
   * Whether {@code text} has the wire's shape: what the pattern {@code
   * [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z} matches, without a
   * regex. {@link Instant#parse} alone would also accept offsets such as +01:00; the wire allows
   * only UTC "Z".
   */
  static boolean hasWireShape(String text) {
    int n = text.length();
    // 20 chars without a fraction; with one, a dot and 1 to 9 digits more.
    if (n != 20 && (n < 22 || n > 30) || text.charAt(n - 1) != 'Z') {
      return false;
    }
    for (int i = 0; i < 19; i++) {
      char c = text.charAt(i);
      char expected = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : i == 13 || i == 16 ? ':' : '0';
      if (expected == '0' ? c < '0' || c > '9' : c != expected) {
        return false;
      }
    }
    if (n > 20) {
      if (text.charAt(19) != '.') {
        return false;
      }
      for (int i = 20; i < n - 1; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * What {@link Instant#parse} gives for {@code text}, which must already have the wire's shape
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (digits where digits go).
   *
   * @throws java.time.DateTimeException as {@link Instant#parse} does, for an impossible value
   */
  static Instant parse(String text) {
    int year = number(text, 0, 4);
    int month = number(text, 5, 7);
    int day = number(text, 8, 10);
    int hour = number(text, 11, 13);
    int minute = number(text, 14, 16);
    int second = number(text, 17, 19);
    if (month < 1
        || month > 12
        || day < 1
        || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
        || hour > 23
        || minute > 59
        || second > 59) {
      // Hour 24, a leap second, month 13: java.time's own answer (a value or its exception).
      return Instant.parse(text);
    }
    int nano = 0;
    int end = text.length() - 1; // the Z
    if (end > 20) {
      nano = number(text, 20, end) * FRACTION_SCALE[end - 21];
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(
        epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
  }

  private static int number(String text, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n = n * 10 + (text.charAt(i) - '0');
    }
    return n;
  }

  private static int digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
