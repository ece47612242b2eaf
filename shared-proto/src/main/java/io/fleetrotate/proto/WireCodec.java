package io.fleetrotate.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The one JSON codec of the agent-coordinator contract. Thread-safe; create one and share it.
 *
 * <p>Encoding writes every field of the record, timestamps as {@link Instant#toString()} (UTC,
 * {@code 2026-11-21T09:00:00Z}), enums by name, and omits null fields rather than writing {@code
 * null}. Derived values ({@link DiskUsage#usedRatio()}, {@link RotationEvent#compressionRatio()})
 * are not written. An encode method throws {@link IllegalArgumentException} rather than produce a
 * document over {@link WireLimits#MAX_DOCUMENT_BYTES}, which no receiver would accept.
 *
 * <p>Decoding ignores unknown fields, treats {@code null} like an absent field, and rejects
 * anything else that breaks the contract with a {@link WireFormatException} naming the JSON path:
 * malformed JSON, an empty or oversized (> {@link WireLimits#MAX_DOCUMENT_BYTES}) document,
 * duplicate keys, a missing or mistyped field, a value out of range, a non-UTC timestamp, an
 * unknown enum constant, or a protocol major version other than this build's. No other exception
 * escapes a decode method for any input bytes.
 */
public final class WireCodec {
  private static final int MAX_PARSER_DETAIL_LENGTH = 200;

  private final JsonMapper mapper;

  public WireCodec() {
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

  // ---- encoding ----

  public byte[] encode(NodeHeartbeat heartbeat) {
    return write(heartbeatTree(heartbeat));
  }

  public byte[] encode(RotationEvent event) {
    return stream(g -> writeEvent(g, event));
  }

  /**
   * Encodes a batch of events as a JSON array.
   *
   * @throws IllegalArgumentException if the batch has more than {@link
   *     WireLimits#MAX_EVENTS_PER_BATCH} events, which no receiver would accept
   */
  public byte[] encodeEvents(List<RotationEvent> events) {
    if (events.size() > WireLimits.MAX_EVENTS_PER_BATCH) {
      throw new IllegalArgumentException(
          "An event batch holds at most "
              + WireLimits.MAX_EVENTS_PER_BATCH
              + " events, not "
              + events.size()
              + "; split it.");
    }
    return stream(
        g -> {
          g.writeStartArray();
          for (RotationEvent event : events) {
            writeEvent(g, event);
          }
          g.writeEndArray();
        });
  }

  public byte[] encode(HeartbeatReply reply) {
    return write(replyTree(reply));
  }

  public byte[] encode(EventAck ack) {
    // Streamed: an ack lists up to 10,000 ids.
    return stream(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("accepted");
          for (UUID id : ack.accepted()) {
            g.writeString(id.toString());
          }
          g.writeEndArray();
          // Written only when there is one, so acks of clean batches read as they always have.
          if (!ack.rejected().isEmpty()) {
            g.writeArrayFieldStart("rejected");
            for (EventAck.Rejection r : ack.rejected()) {
              g.writeStartObject();
              g.writeNumberField("index", r.index());
              if (r.eventId() != null) {
                g.writeStringField("eventId", r.eventId().toString());
              }
              g.writeStringField("path", r.path());
              g.writeStringField("rule", r.rule());
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        });
  }

  // ---- decoding ----

  public NodeHeartbeat decodeHeartbeat(byte[] json) throws WireFormatException {
    return heartbeat(parse(json));
  }

  public NodeHeartbeat decodeHeartbeat(String json) throws WireFormatException {
    return decodeHeartbeat(utf8(json));
  }

  public RotationEvent decodeEvent(byte[] json) throws WireFormatException {
    return readEvents(json, false).first();
  }

  public RotationEvent decodeEvent(String json) throws WireFormatException {
    return decodeEvent(utf8(json));
  }

  /** Decodes a JSON array of at most {@link WireLimits#MAX_EVENTS_PER_BATCH} events. */
  public List<RotationEvent> decodeEvents(byte[] json) throws WireFormatException {
    return readEvents(json, true).all();
  }

  public List<RotationEvent> decodeEvents(String json) throws WireFormatException {
    return decodeEvents(utf8(json));
  }

  /**
   * Decodes a JSON array of at most {@link WireLimits#MAX_EVENTS_PER_BATCH} events one by one: an
   * event that breaks the contract is set aside with its path and rule, the others are kept.
   *
   * @throws WireFormatException only when the document as a whole is unusable: not JSON, not an
   *     array, too large or too many events
   */
  public EventBatch decodeEventBatch(byte[] json) throws WireFormatException {
    return readEvents(json, true).batch();
  }

  /**
   * Events read from a document as it is parsed, without a tree: each object element's fields go
   * straight into an {@link EventFields} and are decoded there and then. What a decode reports is
   * what parsing the whole tree first reported: a document that is not JSON (anywhere, even after a
   * bad event), is empty or has content after it fails as a whole, before any one event's problem;
   * then one that is not an array (or, for a single event, not an object), then too many elements;
   * then each element's own problem, by its index.
   */
  private Read readEvents(byte[] json, boolean array) throws WireFormatException {
    checkLength(json);
    try (JsonParser parser = mapper.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new WireFormatException("$", "is empty; expected a JSON document");
      }
      Read read = new Read();
      JsonNode other = null;
      if (array && first == JsonToken.START_ARRAY) {
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          String path = "$[" + read.size + "]";
          if (read.size++ >= WireLimits.MAX_EVENTS_PER_BATCH) {
            EventFields.value(parser, t); // read (the parser checks it) and dropped
          } else if (t == JsonToken.START_OBJECT) {
            read.add(EventFields.read(parser), null, path);
          } else {
            read.add(null, EventFields.value(parser, t), path);
          }
        }
      } else if (!array && first == JsonToken.START_OBJECT) {
        read.add(EventFields.read(parser), null, "$");
      } else {
        other = EventFields.value(parser, first);
      }
      // As ObjectMapper.readTree leaves the parser: a message about what follows names no token.
      parser.clearCurrentToken();
      checkNothingAfter(parser);
      if (other != null) {
        throw new WireFormatException(
            "$",
            "must be " + (array ? "an array" : "an object") + ", not " + WireObject.typeOf(other));
      }
      if (read.size > WireLimits.MAX_EVENTS_PER_BATCH) {
        throw new WireFormatException(
            "$", Rules.tooManyEntries(WireLimits.MAX_EVENTS_PER_BATCH, read.size));
      }
      return read;
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw notJson(e);
    }
  }

  /** The events of a document and the problems of the others, by index. */
  private static final class Read {
    final List<RotationEvent> events = new ArrayList<>();
    final List<EventAck.Rejection> rejected = new ArrayList<>();
    WireFormatException firstProblem;
    int size;

    /** Decodes an element: an object's fields, or any other value (which is refused). */
    void add(EventFields fields, JsonNode other, String path) {
      try {
        WireObject object =
            fields != null ? WireObject.of(fields, path) : WireObject.at(other, path);
        events.add(event(object));
      } catch (WireFormatException e) {
        if (firstProblem == null) {
          firstProblem = e;
        }
        UUID id = fields == null ? null : readableId(fields.get("eventId"));
        rejected.add(
            new EventAck.Rejection(rejected.size() + events.size(), id, e.path(), e.rule()));
      }
    }

    RotationEvent first() throws WireFormatException {
      if (firstProblem != null) {
        throw firstProblem;
      }
      return events.get(0);
    }

    List<RotationEvent> all() throws WireFormatException {
      if (firstProblem != null) {
        throw firstProblem;
      }
      return events;
    }

    EventBatch batch() {
      return new EventBatch(events, rejected);
    }
  }

  /** The event id of a rejected event, or null when it has none worth reporting. */
  private static UUID readableId(JsonNode id) {
    try {
      return id == null ? null : WireObject.uuid(id, "$");
    } catch (WireFormatException e) {
      return null;
    }
  }

  public HeartbeatReply decodeReply(byte[] json) throws WireFormatException {
    return reply(parse(json));
  }

  public HeartbeatReply decodeReply(String json) throws WireFormatException {
    return decodeReply(utf8(json));
  }

  public EventAck decodeAck(byte[] json) throws WireFormatException {
    WireObject ack = WireObject.at(parse(json), "$");
    List<UUID> accepted =
        ack.requiredList("accepted", WireLimits.MAX_EVENTS_PER_BATCH, WireObject::uuid);
    List<EventAck.Rejection> rejected =
        ack.optionalList("rejected", WireLimits.MAX_EVENTS_PER_BATCH, this::rejection);
    return ack.build(() -> new EventAck(accepted, rejected));
  }

  public EventAck decodeAck(String json) throws WireFormatException {
    return decodeAck(utf8(json));
  }

  // ---- record <-> tree ----

  private EventAck.Rejection rejection(JsonNode node, String path) throws WireFormatException {
    WireObject rejection = WireObject.at(node, path);
    int index = rejection.requiredInt("index");
    JsonNode id = node.get("eventId");
    UUID eventId = id == null || id.isNull() ? null : WireObject.uuid(id, path + ".eventId");
    String badPath = rejection.requiredText("path");
    String rule = rejection.requiredText("rule");
    return rejection.build(() -> new EventAck.Rejection(index, eventId, badPath, rule));
  }

  private ObjectNode heartbeatTree(NodeHeartbeat heartbeat) {
    ObjectNode tree = mapper.createObjectNode();
    tree.put("protocolVersion", heartbeat.protocolVersion());
    tree.put("nodeId", heartbeat.nodeId());
    tree.put("group", heartbeat.group());
    tree.put("agentVersion", heartbeat.agentVersion());
    tree.put("sentAt", WireTime.format(heartbeat.sentAt()));
    ArrayNode disks = tree.putArray("disks");
    for (DiskUsage disk : heartbeat.disks()) {
      disks
          .addObject()
          .put("mount", disk.mount())
          .put("totalBytes", disk.totalBytes())
          .put("usedBytes", disk.usedBytes());
    }
    ArrayNode files = tree.putArray("files");
    for (FileStatus file : heartbeat.files()) {
      ObjectNode fileTree =
          files
              .addObject()
              .put("path", file.path())
              .put("sizeBytes", file.sizeBytes())
              .put("growthBytesPerSecond", file.growthBytesPerSecond())
              .put("backupCount", file.backupCount())
              .put("backupBytes", file.backupBytes());
      putIfPresent(fileTree, "lastRotation", file.lastRotation());
      putIfPresent(fileTree, "lastResult", file.lastResult());
    }
    if (heartbeat.lock() != null) {
      ObjectNode lock = tree.putObject("lock").put("backend", heartbeat.lock().backend());
      putIfPresent(lock, "unavailableSince", heartbeat.lock().unavailableSince());
    }
    return tree;
  }

  private NodeHeartbeat heartbeat(JsonNode node) throws WireFormatException {
    WireObject heartbeat = WireObject.at(node, "$");
    String protocolVersion = heartbeat.protocolVersion();
    String nodeId = heartbeat.requiredText("nodeId");
    String group = heartbeat.requiredText("group");
    String agentVersion = heartbeat.requiredText("agentVersion");
    Instant sentAt = heartbeat.requiredInstant("sentAt");
    List<DiskUsage> disks = heartbeat.requiredList("disks", WireLimits.MAX_DISKS, this::disk);
    List<FileStatus> files = heartbeat.requiredList("files", WireLimits.MAX_FILES, this::file);
    LockState lock = heartbeat.optionalObject("lock", this::lockState);
    return heartbeat.build(
        () ->
            new NodeHeartbeat(
                protocolVersion, nodeId, group, agentVersion, sentAt, disks, files, lock));
  }

  private LockState lockState(JsonNode node, String path) throws WireFormatException {
    WireObject lock = WireObject.at(node, path);
    String backend = lock.requiredText("backend");
    Instant unavailableSince = lock.optionalInstant("unavailableSince");
    return lock.build(() -> new LockState(backend, unavailableSince));
  }

  private DiskUsage disk(JsonNode node, String path) throws WireFormatException {
    WireObject disk = WireObject.at(node, path);
    String mount = disk.requiredText("mount");
    long totalBytes = disk.requiredLong("totalBytes");
    long usedBytes = disk.requiredLong("usedBytes");
    return disk.build(() -> new DiskUsage(mount, totalBytes, usedBytes));
  }

  private FileStatus file(JsonNode node, String path) throws WireFormatException {
    WireObject file = WireObject.at(node, path);
    String filePath = file.requiredText("path");
    long sizeBytes = file.requiredLong("sizeBytes");
    double growth = file.requiredDouble("growthBytesPerSecond");
    int backupCount = file.requiredInt("backupCount");
    long backupBytes = file.requiredLong("backupBytes");
    Instant lastRotation = file.optionalInstant("lastRotation");
    Result lastResult = file.optionalEnum("lastResult", Result.class);
    return file.build(
        () ->
            new FileStatus(
                filePath, sizeBytes, growth, backupCount, backupBytes, lastRotation, lastResult));
  }

  /**
   * One event as an object, streamed: the hot path of every stored event (the history keeps this
   * encoding), so no tree is built. Fields in the order the tree encodings use.
   */
  private static void writeEvent(JsonGenerator g, RotationEvent event) throws IOException {
    g.writeStartObject();
    g.writeStringField("protocolVersion", event.protocolVersion());
    g.writeStringField("eventId", event.eventId().toString());
    g.writeStringField("nodeId", event.nodeId());
    g.writeStringField("group", event.group());
    g.writeStringField("path", event.path());
    g.writeStringField("trigger", event.trigger().name());
    g.writeStringField("startedAt", WireTime.format(event.startedAt()));
    g.writeStringField("finishedAt", WireTime.format(event.finishedAt()));
    g.writeStringField("result", event.result().name());
    if (event.reason() != null) {
      g.writeStringField("reason", event.reason().name());
    }
    if (event.message() != null) {
      g.writeStringField("message", event.message());
    }
    g.writeNumberField("bytesBefore", event.bytesBefore());
    g.writeNumberField("bytesAfter", event.bytesAfter());
    g.writeStringField("codec", event.codec());
    g.writeStringField("lockBackend", event.lockBackend());
    g.writeNumberField("lockWaitMs", event.lockWaitMs());
    g.writeNumberField("fencingToken", event.fencingToken());
    g.writeEndObject();
  }

  private static RotationEvent event(WireObject event) throws WireFormatException {
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

  private ObjectNode replyTree(HeartbeatReply reply) {
    ObjectNode tree = mapper.createObjectNode();
    tree.put("protocolVersion", reply.protocolVersion());
    tree.put("serverTime", WireTime.format(reply.serverTime()));
    ArrayNode commands = tree.putArray("commands");
    for (Command command : reply.commands()) {
      ObjectNode commandTree =
          commands
              .addObject()
              .put("commandId", command.commandId().toString())
              .put("type", command.type().name());
      if (command.path() != null) {
        commandTree.put("path", command.path());
      }
    }
    return tree;
  }

  private HeartbeatReply reply(JsonNode node) throws WireFormatException {
    WireObject reply = WireObject.at(node, "$");
    String protocolVersion = reply.protocolVersion();
    Instant serverTime = reply.requiredInstant("serverTime");
    List<Command> commands = reply.requiredList("commands", WireLimits.MAX_COMMANDS, this::command);
    return reply.build(() -> new HeartbeatReply(protocolVersion, serverTime, commands));
  }

  private Command command(JsonNode node, String path) throws WireFormatException {
    WireObject command = WireObject.at(node, path);
    UUID commandId = command.requiredUuid("commandId");
    CommandType type = command.requiredEnum("type", CommandType.class);
    String filePath = command.optionalText("path");
    return command.build(() -> new Command(commandId, type, filePath));
  }

  private static void putIfPresent(ObjectNode tree, String field, Instant value) {
    if (value != null) {
      tree.put(field, WireTime.format(value));
    }
  }

  private static void putIfPresent(ObjectNode tree, String field, Enum<?> value) {
    if (value != null) {
      tree.put(field, value.name());
    }
  }

  // ---- bytes <-> tree ----

  private byte[] write(JsonNode tree) {
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      // Writing a tree of strings and numbers to memory cannot fail short of a Jackson bug.
      throw new UncheckedIOException(e);
    }
    return checkedSize(json);
  }

  /** A document written straight to a generator, with what {@link #write} checks. */
  private byte[] stream(Writing writing) {
    try (ByteArrayBuilder out = new ByteArrayBuilder()) {
      try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
        writing.write(g);
      } catch (IOException e) {
        // Writing strings and numbers to memory cannot fail short of a Jackson bug.
        throw new UncheckedIOException(e);
      }
      return checkedSize(out.toByteArray());
    }
  }

  @FunctionalInterface
  private interface Writing {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] checkedSize(byte[] json) {
    if (json.length > WireLimits.MAX_DOCUMENT_BYTES) {
      throw new IllegalArgumentException(
          "The encoded document is "
              + json.length
              + " bytes, over the "
              + WireLimits.MAX_DOCUMENT_BYTES
              + "-byte limit every receiver enforces; send less per document.");
    }
    return json;
  }

  private JsonNode parse(byte[] json) throws WireFormatException {
    checkLength(json);
    // Malformed JSON is reported at "$" with the parser's line and column: the parser's own idea
    // of the current field is often the previous one, and a wrong path misleads more than none.
    try (JsonParser parser = mapper.createParser(json)) {
      JsonNode root = mapper.readTree(parser);
      if (root == null || root.isMissingNode()) {
        throw new WireFormatException("$", "is empty; expected a JSON document");
      }
      checkNothingAfter(parser);
      return root;
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw notJson(e);
    }
  }

  private static void checkLength(byte[] json) throws WireFormatException {
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
  }

  private static void checkNothingAfter(JsonParser parser) throws IOException, WireFormatException {
    if (parser.nextToken() != null) {
      throw new WireFormatException(
          "$",
          "is not valid JSON (unexpected content after the document"
              + at(parser.currentTokenLocation())
              + ")");
    }
  }

  private static WireFormatException notJson(JsonProcessingException e) {
    return new WireFormatException(
        "$", "is not valid JSON (" + clean(e.getOriginalMessage()) + at(e.getLocation()) + ")");
  }

  /** Jackson's encoding detection can yield a CharConversionException for garbage bytes. */
  private static WireFormatException notJson(IOException e) {
    return new WireFormatException("$", "is not valid JSON (" + clean(e.getMessage()) + ")");
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

  private static byte[] utf8(String json) {
    return Objects.requireNonNull(json, "json").getBytes(StandardCharsets.UTF_8);
  }
}
