package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class WireCodecPropertyTest {
  private final WireCodec codec = new WireCodec();

  @Property(tries = 500)
  void everyValidHeartbeatRoundTripsExactly(@ForAll("heartbeats") NodeHeartbeat heartbeat)
      throws Exception {
    assertThat(codec.decodeHeartbeat(codec.encode(heartbeat))).isEqualTo(heartbeat);
  }

  @Property(tries = 500)
  void everyValidEventRoundTripsExactly(@ForAll("events") RotationEvent event) throws Exception {
    assertThat(codec.decodeEvent(codec.encode(event))).isEqualTo(event);
  }

  /** The history stores these bytes: compact JSON, as a tree written back would give. */
  @Property(tries = 300)
  void anEncodedEventIsCompactJson(@ForAll("events") RotationEvent event) throws Exception {
    byte[] json = codec.encode(event);
    ObjectMapper plain = new ObjectMapper();
    assertThat(new String(plain.writeValueAsBytes(plain.readTree(json)), StandardCharsets.UTF_8))
        .isEqualTo(new String(json, StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void everyValidEventBatchRoundTripsExactly(@ForAll("eventBatches") List<RotationEvent> events)
      throws Exception {
    assertThat(codec.decodeEvents(codec.encodeEvents(events))).isEqualTo(events);
  }

  @Property(tries = 500)
  void everyValidReplyRoundTripsExactly(@ForAll("replies") HeartbeatReply reply) throws Exception {
    assertThat(codec.decodeReply(codec.encode(reply))).isEqualTo(reply);
  }

  @Property(tries = 300)
  void everyValidAckRoundTripsExactly(@ForAll("acks") EventAck ack) throws Exception {
    assertThat(codec.decodeAck(codec.encode(ack))).isEqualTo(ack);
  }

  /**
   * Whatever happens to the bytes in transit or on disk, decoding either succeeds or fails with the
   * one typed exception; anything else (a NullPointerException, a raw Jackson or DateTime
   * exception, an IllegalArgumentException from a record) would be a bug.
   */
  @Property(tries = 1000)
  void mutatedDocumentsDecodeOrFailWithTheTypedExceptionOnly(
      @ForAll("documents") Document document, @ForAll("mutations") List<Mutation> mutations) {
    byte[] mutated = document.bytes();
    for (Mutation mutation : mutations) {
      mutated = mutation.applyTo(mutated);
    }
    try {
      Object decoded = document.kind().decode(codec, mutated);
      // Whatever was accepted must be a valid record that itself round-trips.
      assertThat(document.kind().decode(codec, document.kind().encode(codec, decoded)))
          .isEqualTo(decoded);
      Statistics.collect("decoded");
    } catch (WireFormatException rejection) {
      assertThat(rejection.path()).startsWith("$");
      assertThat(rejection.getMessage())
          .isEqualTo(rejection.path() + ": " + rejection.rule())
          .doesNotContain("\n");
      Statistics.collect(
          rejection.rule().startsWith("is not valid JSON")
              ? "rejected: malformed"
              : "rejected: breaks a field rule");
    } catch (Throwable unexpected) {
      fail("decoding mutated bytes threw " + unexpected + " instead of WireFormatException");
    }
  }

  /**
   * Byte mutations mostly break the JSON itself; this reaches the field validation instead, by
   * replacing or removing one value anywhere in a valid document.
   */
  @Property(tries = 1000)
  void documentsWithOneValueReplacedDecodeOrFailWithTheTypedExceptionOnly(
      @ForAll("documents") Document document,
      @ForAll int position,
      @ForAll("jsonValues") JsonNode replacement) {
    JsonNode tree = Golden.tree(document.bytes());
    List<JsonNode> containers = new ArrayList<>();
    collectContainers(tree, containers);
    JsonNode container = containers.get(Math.floorMod(position, containers.size()));
    if (container instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name = names.get(Math.floorMod(position / 7, names.size()));
      if (replacement.isMissingNode()) {
        object.remove(name);
      } else {
        object.set(name, replacement);
      }
    } else if (container instanceof ArrayNode array && array.size() > 0) {
      int index = Math.floorMod(position / 7, array.size());
      if (replacement.isMissingNode()) {
        array.remove(index);
      } else {
        array.set(index, replacement);
      }
    }
    byte[] mutated = Golden.bytes(tree);
    try {
      document.kind().decode(codec, mutated);
      Statistics.collect("decoded");
    } catch (WireFormatException rejection) {
      assertThat(rejection.path()).startsWith("$");
      assertThat(rejection.rule()).doesNotStartWith("is not valid JSON");
      Statistics.collect("rejected");
    } catch (Throwable unexpected) {
      fail("decoding " + tree + " threw " + unexpected + " instead of WireFormatException");
    }
  }

  private static void collectContainers(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      node.forEach(child -> collectContainers(child, containers));
    }
  }

  @Provide
  Arbitrary<JsonNode> jsonValues() {
    JsonNodeFactory json = JsonNodeFactory.instance;
    return Arbitraries.of(
        MissingNode.getInstance(),
        json.nullNode(),
        json.booleanNode(true),
        json.textNode(""),
        json.textNode(" "),
        json.textNode("x"),
        json.textNode("x".repeat(5_000)),
        json.textNode("2026-11-21T09:00:00Z"),
        json.textNode("2026-11-21T09:00:00+02:00"),
        json.textNode("123e4567-e89b-12d3-a456-426614174000"),
        json.textNode("FAILED"),
        json.textNode("2.0"),
        json.numberNode(-1),
        json.numberNode(0),
        json.numberNode(1.5),
        json.numberNode(Long.MAX_VALUE),
        json.numberNode(new BigInteger("123456789012345678901234567890")),
        json.numberNode(new BigDecimal("1e400")),
        json.objectNode(),
        json.arrayNode(),
        json.arrayNode().add(json.objectNode()));
  }

  @Provide
  Arbitrary<NodeHeartbeat> heartbeats() {
    return WireArbitraries.heartbeats();
  }

  @Provide
  Arbitrary<RotationEvent> events() {
    return WireArbitraries.events();
  }

  @Provide
  Arbitrary<List<RotationEvent>> eventBatches() {
    return WireArbitraries.eventBatches();
  }

  @Provide
  Arbitrary<HeartbeatReply> replies() {
    return WireArbitraries.replies();
  }

  @Provide
  Arbitrary<EventAck> acks() {
    return WireArbitraries.acks();
  }

  @Provide
  Arbitrary<Document> documents() {
    return Arbitraries.oneOf(
        WireArbitraries.heartbeats().map(h -> new Document(Kind.HEARTBEAT, codec.encode(h))),
        WireArbitraries.events().map(e -> new Document(Kind.EVENT, codec.encode(e))),
        WireArbitraries.eventBatches().map(b -> new Document(Kind.BATCH, codec.encodeEvents(b))),
        WireArbitraries.replies().map(r -> new Document(Kind.REPLY, codec.encode(r))),
        WireArbitraries.acks().map(a -> new Document(Kind.ACK, codec.encode(a))));
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    // Bytes that matter to a JSON parser reach deeper than random ones, so favour them.
    Arbitrary<Byte> jsonBytes =
        Arbitraries.chars()
            .with("{}[]\":,-+.0123456789eEtrufalsnZT\\ ")
            .map(c -> (byte) c.charValue());
    Arbitrary<Byte> anyBytes = Arbitraries.bytes();
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.of(MutationType.class),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.oneOf(jsonBytes, anyBytes))
            .as(Mutation::new);
    return mutation.list().ofMinSize(1).ofMaxSize(4);
  }

  enum Kind {
    HEARTBEAT,
    EVENT,
    BATCH,
    REPLY,
    ACK;

    Object decode(WireCodec codec, byte[] json) throws WireFormatException {
      return switch (this) {
        case HEARTBEAT -> codec.decodeHeartbeat(json);
        case EVENT -> codec.decodeEvent(json);
        case BATCH -> codec.decodeEvents(json);
        case REPLY -> codec.decodeReply(json);
        case ACK -> codec.decodeAck(json);
      };
    }

    @SuppressWarnings("unchecked")
    byte[] encode(WireCodec codec, Object record) {
      return switch (this) {
        case HEARTBEAT -> codec.encode((NodeHeartbeat) record);
        case EVENT -> codec.encode((RotationEvent) record);
        case BATCH -> codec.encodeEvents((List<RotationEvent>) record);
        case REPLY -> codec.encode((HeartbeatReply) record);
        case ACK -> codec.encode((EventAck) record);
      };
    }
  }

  record Document(Kind kind, byte[] bytes) {
    @Override
    public String toString() {
      return kind + " " + new String(bytes, StandardCharsets.UTF_8);
    }
  }

  enum MutationType {
    FLIP_BIT,
    INSERT,
    DELETE,
    REPLACE,
    TRUNCATE
  }

  record Mutation(MutationType type, int position, byte value) {
    byte[] applyTo(byte[] json) {
      int at = json.length == 0 ? 0 : position % json.length;
      ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 1);
      switch (type) {
        case FLIP_BIT -> {
          byte[] copy = json.clone();
          if (copy.length > 0) {
            copy[at] ^= (byte) (1 << (value & 7));
          }
          return copy;
        }
        case REPLACE -> {
          byte[] copy = json.clone();
          if (copy.length > 0) {
            copy[at] = value;
          }
          return copy;
        }
        case INSERT -> {
          out.write(json, 0, at);
          out.write(value);
          out.write(json, at, json.length - at);
          return out.toByteArray();
        }
        case DELETE -> {
          if (json.length == 0) {
            return json;
          }
          out.write(json, 0, at);
          out.write(json, at + 1, json.length - at - 1);
          return out.toByteArray();
        }
        case TRUNCATE -> {
          return Arrays.copyOf(json, at);
        }
      }
      throw new AssertionError(type);
    }
  }
}
