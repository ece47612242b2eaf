package io.fleetrotate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How to read one kind of scalar value, and how to say what is allowed when it cannot be read.
 *
 * @param expected what is allowed, to complete "write ...", e.g. {@code a size such as 100MiB}
 * @param parser reads the text after substitution; throws {@link ValueFormatException} with a
 *     sentence quoting the text
 */
public record ScalarType<T>(String expected, Function<String, T> parser) {
  public static final ScalarType<String> STRING = new ScalarType<>("a string", s -> s);

  public static final ScalarType<Boolean> BOOLEAN =
      new ScalarType<>(
          "true or false",
          s -> {
            // Only true/false: YAML 1.1 also reads yes/no/on/off, which surprises people.
            if (s.equalsIgnoreCase("true")) {
              return true;
            }
            if (s.equalsIgnoreCase("false")) {
              return false;
            }
            throw new ValueFormatException(
                Sizes.quote(s) + " is not a boolean; write true or false");
          });

  public static final ScalarType<Long> SIZE =
      new ScalarType<>("a size such as 100MiB", Sizes::parse);

  public static final ScalarType<Duration> DURATION =
      new ScalarType<>("a duration such as 30s or 1h30m", Durations::parse);

  /** A non-empty name of letters, digits, '.', '_' and '-': safe in lock keys and metric labels. */
  public static final ScalarType<String> NAME =
      new ScalarType<>(
          "a name of letters, digits, '.', '_' and '-'",
          s -> {
            if (!Pattern.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,252}", s)) {
              throw new ValueFormatException(
                  Sizes.quote(s)
                      + " is not a valid name; use letters, digits, '.', '_' and '-' (at most"
                      + " 253, starting with a letter or digit)");
            }
            return s;
          });

  public static final ScalarType<Path> ABSOLUTE_PATH =
      new ScalarType<>(
          "an absolute path such as /var/lib/fleetrotate",
          s -> {
            Path p;
            try {
              p = Path.of(s);
            } catch (InvalidPathException e) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " is not a valid path: " + e.getReason());
            }
            if (!p.isAbsolute()) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " is a relative path; write an absolute path (starting with /)");
            }
            return p.normalize();
          });

  /** An http or https URL with a host. */
  public static final ScalarType<URI> HTTP_URL =
      new ScalarType<>(
          "an http or https URL such as http://coordinator:8420",
          s -> {
            URI uri;
            try {
              uri = new URI(s);
            } catch (URISyntaxException e) {
              throw new ValueFormatException(Sizes.quote(s) + " is not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " is not an http or https URL; write e.g. http://host:8420");
            }
            if (uri.getHost() == null) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " has no host; write e.g. http://host:8420");
            }
            return uri;
          });

  /**
   * A bearer token, the one rule of the agent and the coordinator: 16 or more printable ASCII
   * characters, no space (what an HTTP header carries, and too long to guess). The token itself is
   * never quoted in a message: error output ends up in logs.
   *
   * @param whenEmpty what to write when the value is empty
   */
  public static ScalarType<String> bearerToken(String whenEmpty) {
    return new ScalarType<>(
        "a token of 16 or more printable ASCII characters",
        s -> {
          if (s.isEmpty()) {
            throw new ValueFormatException("is empty; " + whenEmpty);
          }
          if (s.length() < 16) {
            throw new ValueFormatException(
                "is shorter than 16 characters, which is too easy to guess; use e.g. the output"
                    + " of openssl rand -hex 24");
          }
          if (s.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new ValueFormatException(
                "contains white space, control or non-ASCII characters, which an HTTP header"
                    + " cannot carry");
          }
          return s;
        });
  }

  /** A port to connect to or to listen on: 1 to 65535. */
  public static final ScalarType<Integer> PORT = integer(1, 65535);

  /** A port to listen on, 0 meaning any free port: for HTTP servers and tests. */
  public static final ScalarType<Integer> LISTEN_PORT = integer(0, 65535);

  /** A ratio greater than 0 and at most 1, such as {@code example}. */
  public static ScalarType<Double> ratio(String example) {
    return new ScalarType<>(
        "a ratio greater than 0 and at most 1, such as " + example,
        s -> {
          double value;
          try {
            value = Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw new ValueFormatException(
                Sizes.quote(s) + " is not a number; write a ratio such as " + example);
          }
          if (!(value > 0 && value <= 1)) {
            throw new ValueFormatException(
                Sizes.quote(s) + " is out of range; write a ratio greater than 0 and at most 1");
          }
          return value;
        });
  }

  /** An integer in {@code [min, max]}. */
  public static ScalarType<Integer> integer(int min, int max) {
    String range = "a whole number from " + min + " to " + max;
    return new ScalarType<>(
        range,
        s -> {
          long value;
          try {
            value = Long.parseLong(s);
          } catch (NumberFormatException e) {
            throw new ValueFormatException(
                Sizes.quote(s) + " is not a whole number; write " + range);
          }
          if (value < min || value > max) {
            throw new ValueFormatException(Sizes.quote(s) + " is out of range; write " + range);
          }
          return (int) value;
        });
  }

  /** One of a fixed set of words, with a suggestion for a near miss. */
  public static <E> ScalarType<E> oneOf(Map<String, E> choices) {
    List<String> names = choices.keySet().stream().sorted().toList();
    String allowed = String.join(", ", names);
    return new ScalarType<>(
        "one of " + allowed,
        s -> {
          E value = choices.get(s);
          if (value != null) {
            return value;
          }
          String hint =
              Suggestions.closest(s, names).map(n -> " (did you mean " + n + "?)").orElse("");
          throw new ValueFormatException(
              Sizes.quote(s) + " is not allowed; write one of " + allowed + hint);
        });
  }

  /** A duration of at least {@code min}. */
  public static ScalarType<Duration> durationAtLeast(Duration min) {
    return DURATION.check(
        d -> d.compareTo(min) >= 0,
        d -> "is shorter than the minimum " + Durations.format(min),
        "a duration of at least " + Durations.format(min) + ", such as 30s or 1h30m");
  }

  /** A duration longer than zero. */
  public static ScalarType<Duration> positiveDuration() {
    return DURATION.check(
        d -> !d.isZero(), d -> "is zero; write a duration longer than 0", DURATION.expected());
  }

  /** A size larger than zero. */
  public static ScalarType<Long> positiveSize() {
    return SIZE.check(n -> n > 0, n -> "is zero; write a size larger than 0", SIZE.expected());
  }

  /**
   * This type, further refusing parsed values that fail {@code ok}; {@code why} completes the
   * sentence after the quoted text.
   */
  public ScalarType<T> check(Predicate<T> ok, Function<T, String> why, String newExpected) {
    return new ScalarType<>(
        newExpected,
        s -> {
          T value = parser.apply(s);
          if (!ok.test(value)) {
            throw new ValueFormatException(Sizes.quote(s) + " " + why.apply(value));
          }
          return value;
        });
  }

  public T parse(String text) {
    return parser.apply(text);
  }
}
