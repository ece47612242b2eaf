package io.fleetrotate.chaos;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations on the command lines of {@code ./fleetrotate chaos} and {@code ./fleetrotate demo}, as
 * in the configuration files: 500ms, 90s, 5m, 1h30m.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Matcher m = PART.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      end = m.end();
    }
    if (end != value.length() || value.isEmpty() || total.isZero()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; write e.g. 90s, 5m or 1h30m");
    }
    return total;
  }
}
