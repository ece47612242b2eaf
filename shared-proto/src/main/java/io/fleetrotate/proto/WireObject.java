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
import java.util.stream.Collectors;

/**
 * One JSON object of a wire document, read field by field while knowing its own JSON path, so every
 * failure names the exact field. Absent fields and JSON {@code null} mean the same thing; fields
 * this build does not know are never looked at, which is what makes minor versions additive.
 */
final class WireObject {
  /** A decoder of one array element found at {@code path}. */
  interface ElementDecoder<T> {
    T decode(JsonNode element, String path) throws WireFormatException;
  }

  /**
   * An object's fields by name: a tree's {@code ObjectNode}, or the fields of one object read from
   * a stream ({@link EventFields}). Null when the object has no such field.
   */
  interface Fields {
    JsonNode get(String field);
  }

  private static final String TIMESTAMP_RULE =
      "must be an ISO-8601 UTC timestamp such as 2026-11-21T09:00:00Z";

  private final Fields fields;
  private final String path;

  private WireObject(Fields fields, String path) {
    this.fields = fields;
    this.path = path;
  }

  /** Reads {@code node} as an object found at {@code path}. */
  static WireObject at(JsonNode node, String path) throws WireFormatException {
    if (!node.isObject()) {
      throw new WireFormatException(path, "must be an object, not " + typeOf(node));
    }
    return new WireObject(node::get, path);
  }

  /** Reads {@code fields}, those of an object found at {@code path}. */
  static WireObject of(Fields fields, String path) {
    return new WireObject(fields, path);
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
    String problem = ProtocolVersion.problemWith(version);
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
    if (!value.isTextual() || !isCanonicalUuid(value.textValue())) {
      throw new WireFormatException(path, rule);
    }
    return UUID.fromString(value.textValue());
  }

  /**
   * Whether {@code text} is a UUID in canonical 8-4-4-4-12 form: what the pattern {@code
   * [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}} matches, without a
   * regex (every event carries one).
   */
  static boolean isCanonicalUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private String pathOf(String field) {
    return path + "." + field;
  }

  private JsonNode optional(String field) {
    JsonNode value = fields.get(field);
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
    if (!value.isTextual() || !WireTime.hasWireShape(value.textValue())) {
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
      try {
        // The constant of exactly that name (case-sensitive), from the class's cached directory.
        return Enum.valueOf(type, value.textValue());
      } catch (IllegalArgumentException e) {
        // Not a constant: the rule below lists them.
      }
    }
    String allowed =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    throw new WireFormatException(pathOf(field), "must be one of " + allowed);
  }

  private WireFormatException wrongType(String field, String expected, JsonNode value) {
    return new WireFormatException(pathOf(field), "must be " + expected + ", not " + typeOf(value));
  }

  static String typeOf(JsonNode value) {
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
