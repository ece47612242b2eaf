package io.fleetrotate.chaos;

import io.fleetrotate.config.Durations;
import io.fleetrotate.config.ValueFormatException;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Durations on the command lines of {@code ./fleetrotate chaos} and {@code ./fleetrotate demo},
 * read as the configuration files read them ({@link Durations}): 500ms, 90s, 5m, 1h30m; more than
 * zero.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (ValueFormatException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
    if (d.isZero()) {
      throw new CommandLine.TypeConversionException(
          Durations.format(d) + " is too short: write a duration of more than zero, e.g. 90s");
    }
    return d;
  }
}
