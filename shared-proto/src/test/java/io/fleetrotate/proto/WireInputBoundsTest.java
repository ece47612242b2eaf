package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Values that fit JSON but cannot be stored, counted or shown as sent: times outside 1970..9999,
 * durations that overflow, text that is not Unicode or carries control characters, ids that are
 * path segments. Each is refused at decode with its JSON path; a batch keeps its good events.
 */
class WireInputBoundsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final WireCodec codec = new WireCodec();

  private WireFormatException eventRejection(Consumer<ObjectNode> edit) {
    byte[] json = Golden.edited(Golden.EVENT_SUCCESS, edit);
    WireFormatException e =
        catchThrowableOfType(WireFormatException.class, () -> codec.decodeEvent(json));
    assertThat(e).as("decoding must be rejected").isNotNull();
    return e;
  }

  @Test
  void startedAtInTheYear1700IsRefusedWithItsPath() {
    WireFormatException e = eventRejection(t -> t.put("startedAt", "1700-01-01T00:00:00Z"));

    assertThat(e).hasMessage("$.startedAt: must be between 1970 and 9999");
  }

  @Test
  void lockWaitThatOverflowsNanosecondsIsRefused() {
    WireFormatException e = eventRejection(t -> t.put("lockWaitMs", Long.MAX_VALUE));

    assertThat(e.path()).isEqualTo("$.lockWaitMs");
    assertThat(e.rule()).startsWith("must be from 0 to 2592000000");
  }

  @Test
  void rotationLongerThanThirtyDaysIsRefused() {
    WireFormatException e = eventRejection(t -> t.put("startedAt", "1970-01-01T00:00:00Z"));

    assertThat(e).hasMessage("$.finishedAt: must be at most 30 days after startedAt");
  }

  @Test
  void loneSurrogateEscapedInANodeIdIsRefused() {
    WireFormatException e = eventRejection(t -> t.put("nodeId", "host-\ud800"));

    assertThat(e.path()).isEqualTo("$.nodeId");
    assertThat(e.rule()).contains("unpaired surrogate");
  }

  @Test
  void surrogateEncodedAsUtf8BytesIsRefused() throws Exception {
    // CESU-8 style: ED A0 80 is U+D800 written as if it were a character.
    byte[] json = withRawNodeId(new byte[] {'h', (byte) 0xED, (byte) 0xA0, (byte) 0x80});

    WireFormatException e =
        catchThrowableOfType(WireFormatException.class, () -> codec.decodeEvent(json));

    assertThat(e).isNotNull();
    assertThat(e.path()).isIn("$", "$.nodeId");
  }

  @Test
  void invalidUtf8InANodeIdIsRefused() throws Exception {
    byte[] json = withRawNodeId(new byte[] {'h', (byte) 0xC3, (byte) 0x28});

    WireFormatException e =
        catchThrowableOfType(WireFormatException.class, () -> codec.decodeEvent(json));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith("$: is not valid JSON");
  }

  @Test
  void controlCharacterInAnIdIsRefusedButALineBreakInAMessageIsKept() throws Exception {
    WireFormatException e = eventRejection(t -> t.put("group", "mcp\u001b[31m"));
    assertThat(e).hasMessage("$.group: must not contain control characters (U+001B is at index 3)");

    WireFormatException p = eventRejection(t -> t.put("path", "/var/log/a\nb.log"));
    assertThat(p.path()).isEqualTo("$.path");

    byte[] ok = Golden.edited(Golden.EVENT_SUCCESS, t -> t.put("message", "line one\nline two"));
    assertThat(codec.decodeEvent(ok).message()).isEqualTo("line one\nline two");
  }

  @Test
  void dotAndDotDotAreNotNodeIdsOrGroups() {
    assertThat(eventRejection(t -> t.put("nodeId", "..")))
        .hasMessage("$.nodeId: must not be \".\" or \"..\"");
    assertThat(eventRejection(t -> t.put("group", ".")))
        .hasMessage("$.group: must not be \".\" or \"..\"");
  }

  @Test
  void batchKeepsItsGoodEventsAndNamesEachBadOne() throws Exception {
    ObjectNode good = (ObjectNode) MAPPER.readTree(Golden.bytes(Golden.EVENT_SUCCESS));
    ObjectNode bad = good.deepCopy();
    bad.put("eventId", "00000000-0000-4000-8000-000000000001");
    bad.put("startedAt", "1700-01-01T00:00:00Z");
    ObjectNode after = good.deepCopy();
    after.put("eventId", "00000000-0000-4000-8000-000000000002");
    ArrayNode batch = MAPPER.createArrayNode().add(bad).add(good).add("not an event").add(after);

    EventBatch decoded = codec.decodeEventBatch(MAPPER.writeValueAsBytes(batch));

    assertThat(decoded.events())
        .extracting(RotationEvent::eventId)
        .containsExactly(
            UUID.fromString(good.get("eventId").asText()),
            UUID.fromString("00000000-0000-4000-8000-000000000002"));
    assertThat(decoded.rejected())
        .containsExactly(
            new EventAck.Rejection(
                0,
                UUID.fromString("00000000-0000-4000-8000-000000000001"),
                "$[0].startedAt",
                "must be between 1970 and 9999"),
            new EventAck.Rejection(2, null, "$[2]", "must be an object, not a string"));
  }

  @Test
  void ackWithRejectionsRoundTripsAndACleanAckOmitsThem() throws Exception {
    EventAck ack =
        new EventAck(
            List.of(UUID.randomUUID()),
            List.of(new EventAck.Rejection(1, null, "$[1].nodeId", "is required")));

    assertThat(codec.decodeAck(codec.encode(ack))).isEqualTo(ack);
    String clean = new String(codec.encode(new EventAck(List.of())), StandardCharsets.UTF_8);
    assertThat(clean).isEqualTo("{\"accepted\":[]}");
  }

  private static byte[] withRawNodeId(byte[] nodeIdBytes) throws Exception {
    String json = new String(Golden.bytes(Golden.EVENT_SUCCESS), StandardCharsets.UTF_8);
    String[] halves = json.split("mcp-host-1", 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(halves[0].getBytes(StandardCharsets.UTF_8));
    out.writeBytes(nodeIdBytes);
    out.writeBytes(halves[1].getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
