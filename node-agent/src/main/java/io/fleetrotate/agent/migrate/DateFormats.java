package io.fleetrotate.agent.migrate;

import java.util.Map;
import java.util.Optional;

/** Translates logrotate's strftime {@code dateformat} into a DateTimeFormatter pattern. */
final class DateFormats {
  private static final Map<Character, String> FIELDS =
      Map.of('Y', "yyyy", 'y', "yy", 'm', "MM", 'd', "dd", 'H', "HH", 'M', "mm", 'S', "ss");

  private DateFormats() {}

  /**
   * The pattern, or empty when {@code strftime} uses a field the agent cannot name, or lacks the
   * year, month or day (the agent needs a name that changes every day).
   */
  static Optional<String> toJavaPattern(String strftime) {
    StringBuilder out = new StringBuilder();
    boolean year = false;
    boolean month = false;
    boolean day = false;
    for (int i = 0; i < strftime.length(); i++) {
      char c = strftime.charAt(i);
      if (c == '%') {
        if (i + 1 >= strftime.length()) {
          return Optional.empty();
        }
        char f = strftime.charAt(++i);
        String field = FIELDS.get(f);
        if (field == null) {
          return Optional.empty();
        }
        year |= f == 'Y' || f == 'y';
        month |= f == 'm';
        day |= f == 'd';
        out.append(field);
      } else if (Character.isLetter(c)) {
        out.append('\'').append(c).append('\'');
      } else if (c == '-'
          || c == '_'
          || c == '.'
          || c == ':'
          || c == '+'
          || c == ','
          || Character.isDigit(c)) {
        out.append(c);
      } else {
        return Optional.empty();
      }
    }
    if (!(year && month && day)) {
      return Optional.empty();
    }
    return Optional.of(out.toString().replace("''", ""));
  }
}
