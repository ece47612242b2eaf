package io.fleetrotate.proto;

import java.time.Instant;
import java.util.List;

/**
 * The field rules of the wire contract, called from the records' compact constructors. Each failure
 * is an {@link InvalidFieldException} naming the field, which the decoder turns into a {@link
 * WireFormatException} with the full JSON path.
 */
final class Rules {
  // No rotation, heartbeat or file happened before the Unix epoch; the upper bound is where
  // Instant.toString() stops writing a four-digit year, which is all the wire format allows.
  static final Instant EARLIEST = Instant.EPOCH;
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
  static final String TIMESTAMP_RANGE = "must be between 1970 and 9999";

  private Rules() {}

  static InvalidFieldException violation(String field, String rule) {
    return new InvalidFieldException(field, rule);
  }

  static <T> T required(String field, T value) {
    if (value == null) {
      throw violation(field, "is required");
    }
    return value;
  }

  static void protocolVersion(String field, String value) {
    required(field, value);
    String problem = ProtocolVersion.problemWith(value);
    if (problem != null) {
      throw violation(field, problem);
    }
  }

  /**
   * A node id or group: a required {@link #text} that is not {@code .} or {@code ..}, which would
   * name another resource once put in a URL path.
   */
  static void id(String field, String value) {
    text(field, value, WireLimits.MAX_ID_LENGTH);
    if (value.equals(".") || value.equals("..")) {
      throw violation(field, "must not be \".\" or \"..\"");
    }
  }

  /**
   * A required, non-blank string of at most {@code maxLength} chars, without control characters or
   * unpaired surrogates.
   */
  static void text(String field, String value, int maxLength) {
    required(field, value);
    optionalText(field, value, maxLength);
  }

  /** Absent (null), or what {@link #text} allows. */
  static void optionalText(String field, String value, int maxLength) {
    optionalText(field, value, maxLength, false);
  }

  /** Absent (null), or what {@link #text} allows plus tabs and line breaks: a free-text message. */
  static void optionalMessage(String field, String value, int maxLength) {
    optionalText(field, value, maxLength, true);
  }

  private static void optionalText(String field, String value, int maxLength, boolean lineBreaks) {
    if (value == null) {
      return;
    }
    if (value.length() > maxLength) {
      throw violation(
          field, "must be at most " + maxLength + " characters (got " + value.length() + ")");
    }
    if (value.isBlank()) {
      throw violation(field, "must not be blank");
    }
    String problem = characterProblem(value, lineBreaks);
    if (problem != null) {
      throw violation(field, problem);
    }
  }

  /**
   * Why {@code value} cannot be stored and shown as sent, or null. A lone surrogate has no UTF-8
   * form (it would come back as '?' after a restart); control characters corrupt logs, metrics
   * labels and terminals.
   */
  static String characterProblem(String value, boolean lineBreaks) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must be valid Unicode (an unpaired surrogate is at index " + i + ")";
      } else if (Character.isISOControl(c)
          && !(lineBreaks && (c == '\n' || c == '\r' || c == '\t'))) {
        return "must not contain control characters (U+"
            + String.format("%04X", (int) c)
            + " is at index "
            + i
            + ")";
      }
    }
    return null;
  }

  static void nonNegative(String field, long value) {
    if (value < 0) {
      throw violation(field, "must be >= 0");
    }
  }

  static void finite(String field, double value) {
    if (!Double.isFinite(value)) {
      throw violation(field, "must be a finite number");
    }
  }

  static void timestamp(String field, Instant value) {
    required(field, value);
    optionalTimestamp(field, value);
  }

  static void optionalTimestamp(String field, Instant value) {
    if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
      throw violation(field, TIMESTAMP_RANGE);
    }
  }

  /** A duration in milliseconds, from 0 to {@link WireLimits#MAX_DURATION_MILLIS}. */
  static void durationMillis(String field, long value) {
    if (value < 0 || value > WireLimits.MAX_DURATION_MILLIS) {
      throw violation(
          field, "must be from 0 to " + WireLimits.MAX_DURATION_MILLIS + " (30 days in ms)");
    }
  }

  /** A required list of at most {@code maxSize} non-null entries, copied so it cannot change. */
  static <T> List<T> list(String field, List<T> value, int maxSize) {
    required(field, value);
    if (value.size() > maxSize) {
      throw violation(field, tooManyEntries(maxSize, value.size()));
    }
    for (T entry : value) {
      if (entry == null) {
        throw violation(field, "must not contain null entries");
      }
    }
    return List.copyOf(value);
  }

  static String tooManyEntries(int maxSize, int actualSize) {
    return "must have at most " + maxSize + " entries (got " + actualSize + ")";
  }
}
