package io.fleetrotate.coordinator.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * One saved node as one line of JSON: {@code {"receivedAt", "intervalMillis", "heartbeat": <the
 * heartbeat's wire JSON>}}. Used by the snapshot file and to share node state between coordinators.
 */
public final class SavedNodeJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final WireCodec CODEC = new WireCodec();

  private SavedNodeJson() {}

  public static String encode(SavedNode n) {
    try {
      ObjectNode line = MAPPER.createObjectNode();
      line.put("receivedAt", n.receivedAt().toString());
      line.put("intervalMillis", n.interval().toMillis());
      line.set("heartbeat", MAPPER.readTree(CODEC.encode(n.heartbeat())));
      return MAPPER.writeValueAsString(line);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a valid heartbeat cannot fail", e);
    }
  }

  /**
   * @throws IllegalArgumentException with a sentence saying what is wrong with the line
   */
  public static SavedNode decode(String line) {
    try {
      JsonNode tree = MAPPER.readTree(line);
      NodeHeartbeat hb = CODEC.decodeHeartbeat(MAPPER.writeValueAsBytes(tree.get("heartbeat")));
      return new SavedNode(
          hb,
          Instant.parse(tree.get("receivedAt").asText()),
          Duration.ofMillis(Math.max(1, tree.get("intervalMillis").asLong())));
    } catch (WireFormatException | IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a saved node: " + e.getMessage(), e);
    }
  }
}
