package io.fleetrotate.proto;

import java.time.Instant;
import java.util.List;

/**
 * The field rules of the wire contract, called from the records' compact constructors. Each failure
 * is an {@link InvalidFieldException} naming the field, which the decoder turns into a {@link
 * WireFormatException} with the full JSON path.
 */
final class Rules {
  // Instant.toString() writes a four-digit year only inside this range; outside it the text would
  // carry a sign or more digits, which the wire format does not allow.
  static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

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

  /** A required, non-blank string of at most {@code maxLength} chars. */
  static void text(String field, String value, int maxLength) {
    required(field, value);
    optionalText(field, value, maxLength);
  }

  /** Absent (null), or a non-blank string of at most {@code maxLength} chars. */
  static void optionalText(String field, String value, int maxLength) {
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
      throw violation(field, "must be within the years 0000 to 9999");
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
