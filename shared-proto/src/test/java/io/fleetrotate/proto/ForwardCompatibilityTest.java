package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a 1.0 reader does with documents from a later 1.x writer. */
class ForwardCompatibilityTest {
  private final WireCodec codec = new WireCodec();

  /** Adds fields a later minor version might bring: scalars, null, nested objects and arrays. */
  private static void addUnknownFields(ObjectNode object) {
    object.put("addedInMinor7", "ignored");
    object.put("usedRatio", 0.99);
    object.putNull("nullExtra");
    object.putArray("listExtra").add(1).addObject().put("deep", true);
    object.putObject("objectExtra").putObject("nested").putArray("more").add("x");
  }

  private static void addUnknownFieldsEverywhere(JsonNode node) {
    if (node.isObject()) {
      node.forEach(ForwardCompatibilityTest::addUnknownFieldsEverywhere);
      addUnknownFields((ObjectNode) node);
    } else if (node.isArray()) {
      node.forEach(ForwardCompatibilityTest::addUnknownFieldsEverywhere);
    }
  }

  private static byte[] withUnknownFieldsEverywhere(String golden) {
    JsonNode tree = Golden.tree(golden);
    addUnknownFieldsEverywhere(tree);
    return Golden.bytes(tree);
  }

  @Test
  void heartbeatWithUnknownFieldsAtEveryLevelDecodesToTheSameRecord() throws Exception {
    byte[] extended = withUnknownFieldsEverywhere(Golden.HEARTBEAT);

    assertThat(new String(extended, StandardCharsets.UTF_8)).contains("addedInMinor7");
    assertThat(codec.decodeHeartbeat(extended))
        .isEqualTo(codec.decodeHeartbeat(Golden.bytes(Golden.HEARTBEAT)));
  }

  @Test
  void eventWithUnknownFieldsDecodesToTheSameRecord() throws Exception {
    byte[] extended = withUnknownFieldsEverywhere(Golden.EVENT_FAILED);

    assertThat(codec.decodeEvent(extended))
        .isEqualTo(codec.decodeEvent(Golden.bytes(Golden.EVENT_FAILED)));
  }

  @Test
  void eventBatchWithUnknownFieldsInEveryEventDecodesToTheSameEvents() throws Exception {
    byte[] extended = withUnknownFieldsEverywhere(Golden.EVENT_BATCH);

    assertThat(codec.decodeEvents(extended))
        .isEqualTo(codec.decodeEvents(Golden.bytes(Golden.EVENT_BATCH)));
  }

  @Test
  void replyWithUnknownFieldsAtEveryLevelDecodesToTheSameRecord() throws Exception {
    byte[] extended = withUnknownFieldsEverywhere(Golden.REPLY_COMMANDS);

    assertThat(codec.decodeReply(extended))
        .isEqualTo(codec.decodeReply(Golden.bytes(Golden.REPLY_COMMANDS)));
  }

  @Test
  void ackWithUnknownFieldsDecodesToTheSameRecord() throws Exception {
    byte[] extended = withUnknownFieldsEverywhere(Golden.ACK);

    assertThat(codec.decodeAck(extended)).isEqualTo(codec.decodeAck(Golden.bytes(Golden.ACK)));
  }

  @Test
  void laterMinorVersionIsAcceptedAndKept() throws Exception {
    byte[] json = Golden.edited(Golden.HEARTBEAT, tree -> tree.put("protocolVersion", "1.12"));

    assertThat(codec.decodeHeartbeat(json).protocolVersion()).isEqualTo("1.12");
  }

  @Test
  void nullOptionalFieldsDecodeLikeAbsentOnes() throws Exception {
    byte[] withNulls =
        Golden.edited(
            Golden.EVENT_SUCCESS,
            tree -> {
              tree.putNull("reason");
              tree.putNull("message");
            });

    assertThat(codec.decodeEvent(withNulls))
        .isEqualTo(codec.decodeEvent(Golden.bytes(Golden.EVENT_SUCCESS)));
  }

  @Test
  void protocolVersionSupportIsDecidedByTheMajorVersionOnly() {
    assertThat(ProtocolVersion.isSupported(ProtocolVersion.CURRENT)).isTrue();
    assertThat(ProtocolVersion.isSupported("1.999")).isTrue();
    assertThat(ProtocolVersion.isSupported("2.0")).isFalse();
    assertThat(ProtocolVersion.isSupported("1")).isFalse();
    assertThat(ProtocolVersion.isSupported("01.0")).isFalse();
    assertThat(ProtocolVersion.isSupported(null)).isFalse();
  }
}
