package io.fleetrotate.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** The golden documents under {@code src/test/resources/golden}, raw or edited into a variant. */
final class Golden {
  static final String HEARTBEAT = "heartbeat.json";
  static final String HEARTBEAT_NO_FILES = "heartbeat-no-files.json";
  static final String EVENT_SUCCESS = "event-success.json";
  static final String EVENT_FAILED = "event-failed.json";
  static final String EVENT_SKIPPED = "event-skipped.json";
  static final String EVENT_DEFERRED = "event-deferred.json";
  static final String EVENT_BATCH = "event-batch.json";
  static final String REPLY_COMMANDS = "reply-commands.json";
  static final String REPLY_NO_COMMANDS = "reply-no-commands.json";
  static final String ACK = "ack.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Golden() {}

  static byte[] bytes(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("No golden document " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(String name) {
    return tree(bytes(name));
  }

  static JsonNode tree(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The golden object document {@code name}, changed by {@code edit}, as bytes. */
  static byte[] edited(String name, Consumer<ObjectNode> edit) {
    ObjectNode tree = (ObjectNode) tree(name);
    edit.accept(tree);
    return bytes(tree);
  }

  static byte[] bytes(JsonNode tree) {
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The object at JSON pointer {@code pointer}, e.g. {@code /disks/0}, for editing. */
  static ObjectNode object(JsonNode tree, String pointer) {
    return (ObjectNode) tree.at(pointer);
  }
}
