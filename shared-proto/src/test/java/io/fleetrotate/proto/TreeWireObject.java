package io.fleetrotate.proto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The tree decoder's {@code TreeWireObject} as of 5823317 (with its regexes, and {@link
 * ProtocolVersion}'s of then), kept verbatim as the oracle of {@link EventDecodingEquivalenceTest}:
 * one JSON object of a wire document, read field by field while knowing its own JSON path, so every
 * failure names the exact field. Absent fields and JSON {@code null} mean the same thing; fields
 * this build does not know are never looked at, which is what makes minor versions additive.
 */
final class TreeWireObject {
  /** A decoder of one array element found at {@code path}. */
  interface ElementDecoder<T> {
    T decode(JsonNode element, String path) throws WireFormatException;
  }

  // Instant.parse alone would also accept offsets such as +01:00; the wire allows only UTC "Z".
  private static final Pattern UTC_TIMESTAMP =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z");
  private static final String TIMESTAMP_RULE =
      "must be an ISO-8601 UTC timestamp such as 2026-11-21T09:00:00Z";

  private static final Pattern CANONICAL_UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final JsonNode node;
  private final String path;

  private TreeWireObject(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Reads {@code node} as an object found at {@code path}. */
  static TreeWireObject at(JsonNode node, String path) throws WireFormatException {
    if (!node.isObject()) {
      throw new WireFormatException(path, "must be an object, not " + typeOf(node));
    }
    return new TreeWireObject(node, path);
  }

  /**
   * Decodes every element of {@code node}, an array at {@code path} of at most {@code maxSize}
   * entries. The size is checked before any element is decoded.
   */
  static <T> List<T> elementsOf(JsonNode node, String path, int maxSize, ElementDecoder<T> decoder)
      throws WireFormatException {
    if (!node.isArray()) {
      throw new WireFormatException(path, "must be an array, not " + typeOf(node));
    }
    if (node.size() > maxSize) {
      throw new WireFormatException(path, Rules.tooManyEntries(maxSize, node.size()));
    }
    List<T> elements = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      elements.add(decoder.decode(node.get(i), path + "[" + i + "]"));
    }
    return elements;
  }

  /**
   * Reads and checks {@code protocolVersion}. Call it first: a document of another major version
   * may differ in any other field, and its version is the one error worth reporting.
   */
  String protocolVersion() throws WireFormatException {
    String version = requiredText("protocolVersion");
    String problem = problemWith(version);
    if (problem != null) {
      throw new WireFormatException(pathOf("protocolVersion"), problem);
    }
    return version;
  }

  String requiredText(String field) throws WireFormatException {
    return text(field, required(field));
  }

  String optionalText(String field) throws WireFormatException {
    JsonNode value = optional(field);
    return value == null ? null : text(field, value);
  }

  long requiredLong(String field) throws WireFormatException {
    JsonNode value = required(field);
    if (!value.isNumber()) {
      throw wrongType(field, "an integer", value);
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new WireFormatException(
          pathOf(field), "must be an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
    }
    return value.longValue();
  }

  int requiredInt(String field) throws WireFormatException {
    JsonNode value = required(field);
    if (!value.isNumber()) {
      throw wrongType(field, "an integer", value);
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new WireFormatException(
          pathOf(field),
          "must be an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }
    return value.intValue();
  }

  double requiredDouble(String field) throws WireFormatException {
    JsonNode value = required(field);
    if (!value.isNumber()) {
      throw wrongType(field, "a number", value);
    }
    return value.doubleValue();
  }

  Instant requiredInstant(String field) throws WireFormatException {
    return instant(field, required(field));
  }

  Instant optionalInstant(String field) throws WireFormatException {
    JsonNode value = optional(field);
    return value == null ? null : instant(field, value);
  }

  /** The object in {@code field} decoded by {@code decoder}, or null when absent. */
  <T> T optionalObject(String field, ElementDecoder<T> decoder) throws WireFormatException {
    JsonNode value = optional(field);
    return value == null ? null : decoder.decode(value, pathOf(field));
  }

  UUID requiredUuid(String field) throws WireFormatException {
    return uuid(required(field), pathOf(field));
  }

  <E extends Enum<E>> E requiredEnum(String field, Class<E> type) throws WireFormatException {
    return enumValue(field, required(field), type);
  }

  <E extends Enum<E>> E optionalEnum(String field, Class<E> type) throws WireFormatException {
    JsonNode value = optional(field);
    return value == null ? null : enumValue(field, value, type);
  }

  <T> List<T> requiredList(String field, int maxSize, ElementDecoder<T> decoder)
      throws WireFormatException {
    return elementsOf(required(field), pathOf(field), maxSize, decoder);
  }

  /** An absent or null list reads as empty. */
  <T> List<T> optionalList(String field, int maxSize, ElementDecoder<T> decoder)
      throws WireFormatException {
    JsonNode value = optional(field);
    return value == null ? List.of() : elementsOf(value, pathOf(field), maxSize, decoder);
  }

  /**
   * Builds the record with {@code constructor}, reporting a rule its compact constructor enforces
   * (a range, a length, a rule between fields) under this object's path.
   */
  <T> T build(Supplier<T> constructor) throws WireFormatException {
    try {
      return constructor.get();
    } catch (InvalidFieldException e) {
      throw new WireFormatException(pathOf(e.field()), e.rule());
    }
  }

  /** Reads {@code value}, found at {@code path}, as a UUID in canonical 8-4-4-4-12 hex form. */
  static UUID uuid(JsonNode value, String path) throws WireFormatException {
    String rule = "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000";
    // UUID.fromString alone accepts non-canonical forms such as "1-2-3-4-5".
    if (!value.isTextual() || !CANONICAL_UUID.matcher(value.textValue()).matches()) {
      throw new WireFormatException(path, rule);
    }
    return UUID.fromString(value.textValue());
  }

  // ProtocolVersion.problemWith as of 5823317.
  private static final Pattern VERSION_FORMAT =
      Pattern.compile("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})");

  static String problemWith(String version) {
    java.util.regex.Matcher matcher = VERSION_FORMAT.matcher(version);
    if (!matcher.matches()) {
      return "must be MAJOR.MINOR, e.g. " + ProtocolVersion.CURRENT;
    }
    int major = Integer.parseInt(matcher.group(1));
    if (major != ProtocolVersion.SUPPORTED_MAJOR) {
      return "unsupported major version "
          + major
          + "; this build speaks "
          + ProtocolVersion.SUPPORTED_MAJOR
          + ".x";
    }
    return null;
  }

  private String pathOf(String field) {
    return path + "." + field;
  }

  private JsonNode optional(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private JsonNode required(String field) throws WireFormatException {
    JsonNode value = optional(field);
    if (value == null) {
      throw new WireFormatException(pathOf(field), "is required");
    }
    return value;
  }

  private String text(String field, JsonNode value) throws WireFormatException {
    if (!value.isTextual()) {
      throw wrongType(field, "a string", value);
    }
    return value.textValue();
  }

  private Instant instant(String field, JsonNode value) throws WireFormatException {
    if (!value.isTextual() || !UTC_TIMESTAMP.matcher(value.textValue()).matches()) {
      throw new WireFormatException(pathOf(field), TIMESTAMP_RULE);
    }
    try {
      return WireTime.parse(value.textValue());
    } catch (DateTimeException e) {
      // Well shaped but impossible, such as month 13.
      throw new WireFormatException(pathOf(field), TIMESTAMP_RULE);
    }
  }

  private <E extends Enum<E>> E enumValue(String field, JsonNode value, Class<E> type)
      throws WireFormatException {
    if (value.isTextual()) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(value.textValue())) {
          return constant;
        }
      }
    }
    String allowed =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    throw new WireFormatException(pathOf(field), "must be one of " + allowed);
  }

  private WireFormatException wrongType(String field, String expected, JsonNode value) {
    return new WireFormatException(pathOf(field), "must be " + expected + ", not " + typeOf(value));
  }

  private static String typeOf(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
