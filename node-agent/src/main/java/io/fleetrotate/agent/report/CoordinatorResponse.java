package io.fleetrotate.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer of the coordinator. Errors carry a JSON body {@code {"error": "...", "path": "$..."}};
 * for an event batch the path starts with the index of the offending event ({@code $[3].eventId}).
 *
 * @param retryAfter the {@code Retry-After} header, when present and readable
 */
record CoordinatorResponse(int status, byte[] body, Optional<Duration> retryAfter) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BATCH_INDEX = Pattern.compile("^\\$\\[(\\d{1,9})]");
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  boolean ok() {
    return status == 200;
  }

  /** The error body's {@code error} and {@code path}, or a short excerpt of another body. */
  String error() {
    JsonNode tree = tree();
    if (tree != null && tree.hasNonNull("error")) {
      String path = tree.path("path").asText("");
      return path.isEmpty() || path.equals("$")
          ? tree.get("error").asText()
          : path + ": " + tree.get("error").asText().replaceFirst("^\\Q" + path + "\\E: ", "");
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "no detail" : text.substring(0, Math.min(200, text.length()));
  }

  /** For a 400 on an event batch: the index of the event the error names, if it names one. */
  OptionalInt eventIndex() {
    JsonNode tree = tree();
    if (tree == null) {
      return OptionalInt.empty();
    }
    Matcher m = BATCH_INDEX.matcher(tree.path("path").asText(""));
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  private JsonNode tree() {
    try {
      JsonNode tree = JSON.readTree(body);
      return tree != null && tree.isObject() ? tree : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code Retry-After} is delay-seconds or an HTTP-date; capped at an hour. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String v = value.strip();
    Duration d;
    if (v.matches("\\d{1,9}")) {
      d = Duration.ofSeconds(Long.parseLong(v));
    } else {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        d = Duration.between(now, at);
        d = d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
  }
}
