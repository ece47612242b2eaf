package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * The streaming event decoder accepts and refuses exactly what the tree decoder it replaced did
 * ({@link TreeEventDecoder}, 5823317's code kept as the oracle): the same events, the same
 * rejections by index and id, the same message for a document refused as a whole. Inputs are valid
 * events broken in the ways a sender can break them: fields missing, null, of another type or
 * almost the right shape, unknown fields, keys in any order, duplicate keys, elements that are not
 * objects, truncated or corrupted bytes, content after the document.
 */
class EventDecodingEquivalenceTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] FIELDS = {
    "protocolVersion", "eventId", "nodeId", "group", "path", "trigger", "startedAt", "finishedAt",
    "result", "reason", "message", "bytesBefore", "bytesAfter", "codec", "lockBackend",
        "lockWaitMs",
    "fencingToken"
  };

  private final WireCodec codec = new WireCodec();
  private final TreeEventDecoder tree = new TreeEventDecoder();

  @Property(tries = 3000)
  void aBatchDecodesExactlyAsTheTreeDecoderDecodedIt(@ForAll("batches") byte[] json) {
    Object expected = outcome(() -> tree.decodeEventBatch(json));
    Statistics.label("batch").collect(kind(expected));
    assertThat(outcome(() -> codec.decodeEventBatch(json))).isEqualTo(expected);
    assertThat(outcome(() -> codec.decodeEvents(json)))
        .isEqualTo(outcome(() -> tree.decodeEvents(json)));
  }

  @Property(tries = 3000)
  void aSingleEventDecodesExactlyAsTheTreeDecoderDecodedIt(@ForAll("singles") byte[] json) {
    Object expected = outcome(() -> tree.decodeEvent(json));
    Statistics.label("event").collect(kind(expected));
    assertThat(outcome(() -> codec.decodeEvent(json))).isEqualTo(expected);
  }

  /** The kind of outcome, to show the inputs reach each (jqwik prints the tally). */
  private static String kind(Object outcome) {
    if (outcome instanceof EventBatch b) {
      return b.rejected().isEmpty() ? "all accepted" : "some rejected";
    }
    if (outcome instanceof String refused) {
      return refused.contains("not valid JSON") ? "refused: not JSON" : "refused: contract";
    }
    return "accepted";
  }

  @Test
  void tooManyEventsAreRefusedAsTheTreeDecoderRefusedThem() {
    ArrayNode batch = NODES.arrayNode();
    for (int i = 0; i <= WireLimits.MAX_EVENTS_PER_BATCH; i++) {
      batch.add(i % 2 == 0 ? NODES.objectNode() : NODES.numberNode(i));
    }
    byte[] json = bytes(batch);
    byte[] truncated = java.util.Arrays.copyOf(json, json.length - 1);

    Object refused = outcome(() -> codec.decodeEventBatch(json));

    assertThat(refused).isEqualTo("refused $: must have at most 10000 entries (got 10001)");
    assertThat(refused).isEqualTo(outcome(() -> tree.decodeEventBatch(json)));
    assertThat(outcome(() -> codec.decodeEventBatch(truncated)))
        .isEqualTo(outcome(() -> tree.decodeEventBatch(truncated)))
        .asString()
        .startsWith("refused $: is not valid JSON");
  }

  private static final Pattern UTC_TIMESTAMP =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z");
  private static final Pattern CANONICAL_UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  @Property(tries = 3000)
  void theTimestampShapeIsTheRegexOfBefore(@ForAll("timestampLike") String text) {
    assertThat(WireTime.hasWireShape(text)).isEqualTo(UTC_TIMESTAMP.matcher(text).matches());
  }

  @Property(tries = 3000)
  void theUuidShapeIsTheRegexOfBefore(@ForAll("uuidLike") String text) {
    assertThat(WireObject.isCanonicalUuid(text)).isEqualTo(CANONICAL_UUID.matcher(text).matches());
  }

  @Property(tries = 3000)
  void theVersionRuleIsTheRegexOfBefore(@ForAll("versionLike") String text) {
    assertThat(ProtocolVersion.problemWith(text)).isEqualTo(TreeWireObject.problemWith(text));
  }

  // ---- outcomes ----

  @FunctionalInterface
  interface Decode {
    Object run() throws WireFormatException;
  }

  /** What a decode gave: its value (records compare by value), or the message it refused with. */
  private static Object outcome(Decode decode) {
    try {
      return decode.run();
    } catch (WireFormatException e) {
      return "refused " + e.getMessage();
    }
  }

  // ---- documents ----

  @Provide
  Arbitrary<byte[]> batches() {
    Arbitrary<JsonNode> array =
        element().list().ofMaxSize(6).map(elements -> NODES.arrayNode().addAll(elements));
    Arbitrary<JsonNode> root =
        Arbitraries.frequencyOf(Tuple.of(8, array), Tuple.of(1, element()), Tuple.of(1, odd()));
    return documents(root);
  }

  @Provide
  Arbitrary<byte[]> singles() {
    return documents(element());
  }

  /** The document of root, written in a random key order, sometimes with its bytes broken. */
  private Arbitrary<byte[]> documents(Arbitrary<JsonNode> root) {
    Arbitrary<UnaryOperator<byte[]>> breakage =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(UnaryOperator.identity())), Tuple.of(4, byteBreakage()));
    return Combinators.combine(root, Arbitraries.longs(), breakage)
        .as((node, seed, broken) -> broken.apply(bytes(shuffled(node, new Random(seed)))));
  }

  /** An array element: mostly an event object, broken or not; sometimes any other value. */
  private Arbitrary<JsonNode> element() {
    Arbitrary<JsonNode> event =
        Combinators.combine(WireArbitraries.events(), edit().list().ofMaxSize(3))
            .as(
                (e, edits) -> {
                  ObjectNode object = (ObjectNode) tree(codec.encode(e));
                  edits.forEach(edit -> edit.apply(object));
                  return object;
                });
    return Arbitraries.frequencyOf(Tuple.of(9, event), Tuple.of(1, odd()));
  }

  /** One way to break an event object. */
  private Arbitrary<UnaryOperator<ObjectNode>> edit() {
    Arbitrary<String> field = Arbitraries.of(FIELDS);
    Arbitrary<UnaryOperator<ObjectNode>> remove = field.map(f -> o -> (ObjectNode) o.without(f));
    Arbitrary<UnaryOperator<ObjectNode>> other =
        Combinators.combine(field, odd()).as((f, v) -> o -> o.set(f, v));
    Arbitrary<UnaryOperator<ObjectNode>> unknown =
        Combinators.combine(Arbitraries.of("future", "x", "eventid", "Result"), odd())
            .as((f, v) -> o -> o.set(f, v));
    // Almost the right text: one char changed, dropped or added, or any short text.
    Arbitrary<UnaryOperator<ObjectNode>> nearly =
        Combinators.combine(field, Arbitraries.integers().between(0, 40), shapeChars(), anyText())
            .as(
                (f, at, c, any) ->
                    o -> {
                      JsonNode v = o.get(f);
                      String text = v != null && v.isTextual() ? v.textValue() : any;
                      int i = Math.min(at, text.length());
                      String changed =
                          switch (at % 4) {
                            case 0 -> text.substring(0, i) + c + text.substring(i);
                            case 1 ->
                                i < text.length()
                                    ? text.substring(0, i) + text.substring(i + 1)
                                    : text + c;
                            case 2 ->
                                i < text.length()
                                    ? text.substring(0, i) + c + text.substring(i + 1)
                                    : any;
                            default -> any;
                          };
                      return o.put(f, changed);
                    });
    return Arbitraries.frequencyOf(
        Tuple.of(2, remove), Tuple.of(3, other), Tuple.of(1, unknown), Tuple.of(4, nearly));
  }

  /** Values of every JSON type and awkward numbers. */
  private static Arbitrary<JsonNode> odd() {
    return Arbitraries.of(
        NODES.nullNode(),
        NODES.booleanNode(true),
        NODES.booleanNode(false),
        NODES.numberNode(0),
        NODES.numberNode(-1),
        NODES.numberNode(7),
        NODES.numberNode(1.5),
        NODES.numberNode(1e300),
        NODES.numberNode(Long.MAX_VALUE),
        NODES.numberNode(Long.MIN_VALUE),
        NODES.numberNode(Integer.MAX_VALUE + 1L),
        NODES.numberNode(BigInteger.TWO.pow(64)),
        NODES.textNode(""),
        NODES.textNode(" "),
        NODES.textNode("x"),
        NODES.textNode("1.0"),
        NODES.textNode("SUCCESS"),
        NODES.textNode("success"),
        NODES.textNode("2026-11-21T09:00:00+01:00"),
        NODES.textNode("123e4567-e89b-12d3-a456-426614174000"),
        NODES.objectNode(),
        NODES.arrayNode(),
        NODES.objectNode().set("a", NODES.arrayNode().add(1).add(NODES.objectNode().putNull("b"))),
        NODES.arrayNode().add(1).add("2"));
  }

  /** Broken bytes: cut short, a structural char inserted, a duplicate key, trailing content. */
  private static Arbitrary<UnaryOperator<byte[]>> byteBreakage() {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, 1 << 20);
    Arbitrary<UnaryOperator<byte[]>> cut = at.map(i -> b -> slice(b, 0, i % (b.length + 1)));
    Arbitrary<UnaryOperator<byte[]>> insert =
        Combinators.combine(
                at,
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\\", "x", "0", "-", ".", " "))
            .as((i, c) -> b -> inserted(b, i % (b.length + 1), c));
    Arbitrary<UnaryOperator<byte[]>> badUtf8 =
        at.map(i -> b -> inserted(b, i % (b.length + 1), "\u00c3(", StandardCharsets.ISO_8859_1));
    Arbitrary<UnaryOperator<byte[]>> control =
        at.map(i -> b -> inserted(b, i % (b.length + 1), "\u0001"));
    Arbitrary<UnaryOperator<byte[]>> duplicate =
        Arbitraries.of(FIELDS)
            .map(
                f ->
                    b -> {
                      String s = new String(b, StandardCharsets.UTF_8);
                      int brace = s.indexOf('{');
                      return brace < 0
                          ? b
                          : inserted(b, brace + 1, "\"" + f + "\":\"a\",", StandardCharsets.UTF_8);
                    });
    Arbitrary<UnaryOperator<byte[]>> trailing =
        Arbitraries.of(" {}", " 1", "]", " ", "\n\t").map(t -> b -> inserted(b, b.length, t));
    return Arbitraries.oneOf(cut, insert, badUtf8, control, duplicate, trailing);
  }

  // ---- shapes of text ----

  private static Arbitrary<String> shapeChars() {
    return Arbitraries.of(
        "0", "9", "-", ":", ".", "T", "Z", "z", "a", "F", "g", " ", "+", "\u0660");
  }

  private static Arbitrary<String> anyText() {
    return Arbitraries.strings().withChars("0123456789-:.TZzafAFg +\u0660").ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> timestampLike() {
    Arbitrary<String> valid = WireArbitraries.instants().map(WireTime::format);
    return nearly(valid);
  }

  @Provide
  Arbitrary<String> uuidLike() {
    Arbitrary<String> valid =
        WireArbitraries.uuids()
            .flatMap(
                u -> Arbitraries.of(u.toString(), u.toString().toUpperCase(java.util.Locale.ROOT)));
    return nearly(valid);
  }

  @Provide
  Arbitrary<String> versionLike() {
    Arbitrary<String> valid =
        Combinators.combine(
                Arbitraries.integers().between(0, 2_000_000_000),
                Arbitraries.integers().between(0, 2_000_000_000))
            .as((major, minor) -> major % 4 + "." + minor);
    Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789.-+ a").ofMaxLength(22);
    return Arbitraries.oneOf(nearly(valid), digits);
  }

  /** Valid texts, and each with one char changed, dropped or added, and any short text. */
  private static Arbitrary<String> nearly(Arbitrary<String> valid) {
    Arbitrary<String> changed =
        Combinators.combine(valid, Arbitraries.integers().between(0, 40), shapeChars())
            .as(
                (text, at, c) -> {
                  int i = at % (text.length() + 1);
                  return switch (at % 3) {
                    case 0 -> text.substring(0, i) + c + text.substring(i);
                    case 1 -> i < text.length() ? text.substring(0, i) + text.substring(i + 1) : "";
                    default ->
                        i < text.length()
                            ? text.substring(0, i) + c + text.substring(i + 1)
                            : text + c;
                  };
                });
    return Arbitraries.frequencyOf(
        Tuple.of(3, valid), Tuple.of(6, changed), Tuple.of(1, anyText()));
  }

  // ---- helpers ----

  /** A copy of node with the keys of every object in a random order. */
  private static JsonNode shuffled(JsonNode node, Random random) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.shuffle(names, random);
      ObjectNode copy = NODES.objectNode();
      for (String name : names) {
        copy.set(name, shuffled(node.get(name), random));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      node.forEach(e -> copy.add(shuffled(e, random)));
      return copy;
    }
    return node;
  }

  private static JsonNode tree(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static byte[] inserted(byte[] b, int at, String text) {
    return inserted(b, at, text, StandardCharsets.UTF_8);
  }

  private static byte[] inserted(byte[] b, int at, String text, java.nio.charset.Charset charset) {
    byte[] add = text.getBytes(charset);
    byte[] out = new byte[b.length + add.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(add, 0, out, at, add.length);
    System.arraycopy(b, at, out, at + add.length, b.length - at);
    return out;
  }
}
