package io.fleetrotate.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@link WireCodec}'s event decoding as of 5823317, which read the whole document into a Jackson
 * tree first, kept verbatim (decode methods only) as the oracle of {@link
 * EventDecodingEquivalenceTest}.
 */
final class TreeEventDecoder {
  private static final int MAX_PARSER_DETAIL_LENGTH = 200;

  private final JsonMapper mapper;

  TreeEventDecoder() {
    StreamReadConstraints limits =
        StreamReadConstraints.builder()
            // Our documents nest three deep; the slack is for fields later minor versions add.
            .maxNestingDepth(64)
            .maxNumberLength(100)
            .maxNameLength(1_024)
            .maxDocumentLength(WireLimits.MAX_DOCUMENT_BYTES)
            .build();
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(limits)
            // With duplicate keys, which value counts would depend on the reader.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper = JsonMapper.builder(factory).build();
  }

  public RotationEvent decodeEvent(byte[] json) throws WireFormatException {
    return event(parse(json), "$");
  }

  /** Decodes a JSON array of at most {@link WireLimits#MAX_EVENTS_PER_BATCH} events. */
  public List<RotationEvent> decodeEvents(byte[] json) throws WireFormatException {
    return TreeWireObject.elementsOf(
        parse(json), "$", WireLimits.MAX_EVENTS_PER_BATCH, this::event);
  }

  /**
   * Decodes a JSON array of at most {@link WireLimits#MAX_EVENTS_PER_BATCH} events one by one: an
   * event that breaks the contract is set aside with its path and rule, the others are kept.
   *
   * @throws WireFormatException only when the document as a whole is unusable: not JSON, not an
   *     array, too large or too many events
   */
  public EventBatch decodeEventBatch(byte[] json) throws WireFormatException {
    JsonNode root = parse(json);
    List<RotationEvent> events = new ArrayList<>();
    List<EventAck.Rejection> rejected = new ArrayList<>();
    TreeWireObject.elementsOf(
        root,
        "$",
        WireLimits.MAX_EVENTS_PER_BATCH,
        (node, path) -> {
          try {
            events.add(event(node, path));
          } catch (WireFormatException e) {
            int index = rejected.size() + events.size();
            rejected.add(new EventAck.Rejection(index, readableId(node), e.path(), e.rule()));
          }
          return null;
        });
    return new EventBatch(events, rejected);
  }

  /** The event id of a rejected event, or null when it has none worth reporting. */
  private static UUID readableId(JsonNode node) {
    JsonNode id = node.isObject() ? node.get("eventId") : null;
    try {
      return id == null ? null : TreeWireObject.uuid(id, "$");
    } catch (WireFormatException e) {
      return null;
    }
  }

  private RotationEvent event(JsonNode node, String path) throws WireFormatException {
    TreeWireObject event = TreeWireObject.at(node, path);
    String protocolVersion = event.protocolVersion();
    UUID eventId = event.requiredUuid("eventId");
    String nodeId = event.requiredText("nodeId");
    String group = event.requiredText("group");
    String filePath = event.requiredText("path");
    Trigger trigger = event.requiredEnum("trigger", Trigger.class);
    Instant startedAt = event.requiredInstant("startedAt");
    Instant finishedAt = event.requiredInstant("finishedAt");
    Result result = event.requiredEnum("result", Result.class);
    FailureReason reason = event.optionalEnum("reason", FailureReason.class);
    String message = event.optionalText("message");
    long bytesBefore = event.requiredLong("bytesBefore");
    long bytesAfter = event.requiredLong("bytesAfter");
    String codec = event.requiredText("codec");
    String lockBackend = event.requiredText("lockBackend");
    long lockWaitMs = event.requiredLong("lockWaitMs");
    long fencingToken = event.requiredLong("fencingToken");
    return event.build(
        () ->
            new RotationEvent(
                protocolVersion,
                eventId,
                nodeId,
                group,
                filePath,
                trigger,
                startedAt,
                finishedAt,
                result,
                reason,
                message,
                bytesBefore,
                bytesAfter,
                codec,
                lockBackend,
                lockWaitMs,
                fencingToken));
  }

  private JsonNode parse(byte[] json) throws WireFormatException {
    Objects.requireNonNull(json, "json");
    if (json.length > WireLimits.MAX_DOCUMENT_BYTES) {
      throw new WireFormatException(
          "$",
          "document is "
              + json.length
              + " bytes; at most "
              + WireLimits.MAX_DOCUMENT_BYTES
              + " are allowed");
    }
    // Malformed JSON is reported at "$" with the parser's line and column: the parser's own idea
    // of the current field is often the previous one, and a wrong path misleads more than none.
    try (JsonParser parser = mapper.createParser(json)) {
      JsonNode root = mapper.readTree(parser);
      if (root == null || root.isMissingNode()) {
        throw new WireFormatException("$", "is empty; expected a JSON document");
      }
      if (parser.nextToken() != null) {
        throw new WireFormatException(
            "$",
            "is not valid JSON (unexpected content after the document"
                + at(parser.currentTokenLocation())
                + ")");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new WireFormatException(
          "$", "is not valid JSON (" + clean(e.getOriginalMessage()) + at(e.getLocation()) + ")");
    } catch (IOException e) {
      // Jackson's encoding detection can yield a CharConversionException for garbage bytes.
      throw new WireFormatException("$", "is not valid JSON (" + clean(e.getMessage()) + ")");
    }
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() <= 0
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** One line of printable text, short enough for a log line or an HTTP 400 body. */
  private static String clean(String text) {
    if (text == null) {
      return "no detail";
    }
    StringBuilder cleaned = new StringBuilder();
    for (int i = 0; i < text.length() && cleaned.length() < MAX_PARSER_DETAIL_LENGTH; i++) {
      char c = text.charAt(i);
      cleaned.append(Character.isWhitespace(c) ? ' ' : Character.isISOControl(c) ? '?' : c);
    }
    return cleaned.toString().trim();
  }
}
