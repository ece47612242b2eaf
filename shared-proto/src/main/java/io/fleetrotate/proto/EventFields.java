package io.fleetrotate.proto;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The fields of one rotation event object, read straight from a parser: the hot path of {@code POST
 * /api/v1/events} builds no tree per event (nor one per batch). Each field an event has gets the
 * very value node the tree would have held ({@link WireObject} reads it as it reads a tree, so
 * every rule and message is the tree's); a field it does not have is read as the tree reader would
 * (so the parser checks its content alike) and dropped.
 */
final class EventFields implements WireObject.Fields {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The fields an event has, one slot each (see {@link #slot}). */
  private static final int SLOTS = 17;

  private final JsonNode[] values = new JsonNode[SLOTS];

  private EventFields() {}

  /**
   * Reads the object whose START_OBJECT is the parser's current token, up to and including its
   * END_OBJECT.
   */
  static EventFields read(JsonParser p) throws IOException {
    EventFields fields = new EventFields();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonNode value = value(p, p.nextToken());
      int slot = slot(name);
      if (slot >= 0) {
        // Duplicate keys never get here: the parser refuses them.
        fields.values[slot] = value;
      }
    }
    return fields;
  }

  @Override
  public JsonNode get(String field) {
    int slot = slot(field);
    return slot < 0 ? null : values[slot];
  }

  /**
   * The value at the parser's current token {@code t}, built as Jackson's tree reader
   * (JsonNodeDeserializer) builds it, token by token, so the parser sees, checks and reports
   * exactly what it did for the tree (its messages name the current token, which {@code
   * ObjectMapper.readTree} would clear).
   */
  static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      // The parser reports a document cut short itself; this is for a parser that would not.
      throw new JsonParseException(p, "Unexpected end-of-input");
    }
    return switch (t) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          object.set(name, value(p, p.nextToken()));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          array.add(value(p, e));
        }
        yield array;
      }
      case VALUE_STRING -> NODES.textNode(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.instance;
      default -> throw new JsonParseException(p, "Unexpected token " + t);
    };
  }

  private static int slot(String name) {
    return switch (name) {
      case "protocolVersion" -> 0;
      case "eventId" -> 1;
      case "nodeId" -> 2;
      case "group" -> 3;
      case "path" -> 4;
      case "trigger" -> 5;
      case "startedAt" -> 6;
      case "finishedAt" -> 7;
      case "result" -> 8;
      case "reason" -> 9;
      case "message" -> 10;
      case "bytesBefore" -> 11;
      case "bytesAfter" -> 12;
      case "codec" -> 13;
      case "lockBackend" -> 14;
      case "lockWaitMs" -> 15;
      case "fencingToken" -> 16;
      default -> -1;
    };
  }
}
