package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** One test per wire rule: each invalid document yields one exception naming path and rule. */
class WireRejectionTest {
  private final WireCodec codec = new WireCodec();

  private static WireFormatException rejectionOf(ThrowingCallable decode) {
    WireFormatException rejection = catchThrowableOfType(WireFormatException.class, decode);
    assertThat(rejection).as("decoding must be rejected").isNotNull();
    assertThat(rejection.getMessage()).isEqualTo(rejection.path() + ": " + rejection.rule());
    return rejection;
  }

  private WireFormatException heartbeatRejection(Consumer<ObjectNode> edit) {
    byte[] json = Golden.edited(Golden.HEARTBEAT, edit);
    return rejectionOf(() -> codec.decodeHeartbeat(json));
  }

  private WireFormatException eventRejection(String golden, Consumer<ObjectNode> edit) {
    byte[] json = Golden.edited(golden, edit);
    return rejectionOf(() -> codec.decodeEvent(json));
  }

  @Test
  void heartbeatWhoseFirstDiskHasUsedBytesMinusOneNamesDisks0UsedBytes() {
    WireFormatException rejection =
        heartbeatRejection(tree -> Golden.object(tree, "/disks/0").put("usedBytes", -1));

    assertThat(rejection).hasMessage("$.disks[0].usedBytes: must be >= 0");
    assertThat(rejection.path()).isEqualTo("$.disks[0].usedBytes");
    assertThat(rejection.rule()).isEqualTo("must be >= 0");
  }

  @Test
  void diskUsingMoreThanItsCapacityIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(tree -> Golden.object(tree, "/disks/1").put("usedBytes", 53687091201L));

    assertThat(rejection).hasMessage("$.disks[1].usedBytes: must be <= totalBytes (53687091200)");
  }

  @Test
  void missingRequiredFieldIsRejectedAsRequired() {
    WireFormatException rejection = heartbeatRejection(tree -> tree.remove("nodeId"));

    assertThat(rejection).hasMessage("$.nodeId: is required");
  }

  @Test
  void nullRequiredFieldIsRejectedLikeAMissingOne() {
    WireFormatException rejection =
        heartbeatRejection(tree -> Golden.object(tree, "/files/1").putNull("sizeBytes"));

    assertThat(rejection).hasMessage("$.files[1].sizeBytes: is required");
  }

  @Test
  void numberSentAsStringIsRejectedWithTheExpectedAndActualType() {
    WireFormatException rejection =
        heartbeatRejection(tree -> Golden.object(tree, "/files/0").put("sizeBytes", "73400320"));

    assertThat(rejection).hasMessage("$.files[0].sizeBytes: must be an integer, not a string");
  }

  @Test
  void stringSentAsObjectIsRejectedWithTheExpectedAndActualType() {
    WireFormatException rejection = heartbeatRejection(tree -> tree.putObject("group"));

    assertThat(rejection).hasMessage("$.group: must be a string, not an object");
  }

  @Test
  void fractionalCountIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(tree -> Golden.object(tree, "/files/0").put("backupCount", 1.5));

    assertThat(rejection)
        .hasMessage("$.files[0].backupCount: must be an integer from -2147483648 to 2147483647");
  }

  @Test
  void integerBeyondSixtyFourBitsIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(
            tree ->
                Golden.object(tree, "/disks/0")
                    .put("totalBytes", new BigInteger("9223372036854775808")));

    assertThat(rejection)
        .hasMessage(
            "$.disks[0].totalBytes: must be an integer from -9223372036854775808 to"
                + " 9223372036854775807");
  }

  @Test
  void growthTooLargeForADoubleIsRejectedAsNotFinite() {
    String json =
        new String(Golden.bytes(Golden.HEARTBEAT), StandardCharsets.UTF_8)
            .replace("12345.5", "1e400");

    WireFormatException rejection = rejectionOf(() -> codec.decodeHeartbeat(json));

    assertThat(rejection).hasMessage("$.files[0].growthBytesPerSecond: must be a finite number");
  }

  @Test
  void finishedAtBeforeStartedAtIsRejected() {
    WireFormatException rejection =
        eventRejection(
            Golden.EVENT_SUCCESS, tree -> tree.put("finishedAt", "2026-11-21T01:59:59Z"));

    assertThat(rejection)
        .hasMessage("$.finishedAt: must not be before startedAt (2026-11-21T02:00:00Z)");
  }

  @Test
  void unknownEnumValueIsRejectedListingTheAllowedValues() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("trigger", "HOURLY"));

    assertThat(rejection)
        .hasMessage("$.trigger: must be one of SIZE, SCHEDULE, AGE, MANUAL, EMERGENCY");
  }

  @Test
  void enumNamesAreCaseSensitive() {
    WireFormatException rejection =
        heartbeatRejection(tree -> Golden.object(tree, "/files/0").put("lastResult", "success"));

    assertThat(rejection)
        .hasMessage("$.files[0].lastResult: must be one of SUCCESS, FAILED, SKIPPED");
  }

  @Test
  void failedEventWithoutReasonIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_FAILED, tree -> tree.remove("reason"));

    assertThat(rejection).hasMessage("$.reason: is required when result is FAILED");
  }

  @Test
  void successfulEventWithAReasonIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("reason", "IO_ERROR"));

    assertThat(rejection)
        .hasMessage("$.reason: must be absent unless result is FAILED (result is SUCCESS)");
  }

  @Test
  void skippedEventWithAFailureReasonIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SKIPPED, tree -> tree.put("reason", "IO_ERROR"));

    assertThat(rejection)
        .hasMessage(
            "$.reason: must be absent or LOCK_UNAVAILABLE when result is SKIPPED (is IO_ERROR)");
  }

  @Test
  void nodeIdLongerThan128CharactersIsRejected() {
    WireFormatException rejection = heartbeatRejection(tree -> tree.put("nodeId", "n".repeat(129)));

    assertThat(rejection).hasMessage("$.nodeId: must be at most 128 characters (got 129)");
  }

  @Test
  void nodeIdOf128CharactersIsAccepted() throws Exception {
    byte[] json = Golden.edited(Golden.HEARTBEAT, tree -> tree.put("nodeId", "n".repeat(128)));

    assertThat(codec.decodeHeartbeat(json).nodeId()).hasSize(128);
  }

  @Test
  void messageLongerThan4096CharactersIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_FAILED, tree -> tree.put("message", "m".repeat(4097)));

    assertThat(rejection).hasMessage("$.message: must be at most 4096 characters (got 4097)");
  }

  @Test
  void codecNameLongerThan32CharactersIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("codec", "z".repeat(33)));

    assertThat(rejection).hasMessage("$.codec: must be at most 32 characters (got 33)");
  }

  @Test
  void blankGroupIsRejected() {
    WireFormatException rejection = heartbeatRejection(tree -> tree.put("group", " \t"));

    assertThat(rejection).hasMessage("$.group: must not be blank");
  }

  @Test
  void negativeLockWaitIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("lockWaitMs", -5));

    assertThat(rejection).hasMessage("$.lockWaitMs: must be from 0 to 2592000000 (30 days in ms)");
  }

  @Test
  void negativeFencingTokenIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("fencingToken", -1));

    assertThat(rejection).hasMessage("$.fencingToken: must be >= 0");
  }

  @Test
  void heartbeatWithMoreThan10000FilesIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(
            tree -> {
              ArrayNode files = tree.putArray("files");
              for (int i = 0; i <= WireLimits.MAX_FILES; i++) {
                files.addObject().put("path", "/var/log/f" + i);
              }
            });

    assertThat(rejection).hasMessage("$.files: must have at most 10000 entries (got 10001)");
  }

  @Test
  void heartbeatWithMoreThan256DisksIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(
            tree -> {
              ArrayNode disks = tree.putArray("disks");
              for (int i = 0; i <= WireLimits.MAX_DISKS; i++) {
                disks.addObject();
              }
            });

    assertThat(rejection).hasMessage("$.disks: must have at most 256 entries (got 257)");
  }

  @Test
  void replyWithMoreThan1000CommandsIsRejected() {
    byte[] json =
        Golden.edited(
            Golden.REPLY_COMMANDS,
            tree -> {
              ArrayNode commands = tree.putArray("commands");
              for (int i = 0; i <= WireLimits.MAX_COMMANDS; i++) {
                commands.addObject();
              }
            });

    WireFormatException rejection = rejectionOf(() -> codec.decodeReply(json));

    assertThat(rejection).hasMessage("$.commands: must have at most 1000 entries (got 1001)");
  }

  @Test
  void batchOfMoreThan10000EventsIsRejectedBeforeAnyEventIsRead() {
    ArrayNode batch = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i <= WireLimits.MAX_EVENTS_PER_BATCH; i++) {
      batch.addObject();
    }
    byte[] json = Golden.bytes(batch);

    WireFormatException rejection = rejectionOf(() -> codec.decodeEvents(json));

    assertThat(rejection).hasMessage("$: must have at most 10000 entries (got 10001)");
  }

  @Test
  void invalidEventInABatchIsNamedByItsIndex() {
    ArrayNode batch = (ArrayNode) Golden.tree(Golden.EVENT_BATCH);
    Golden.object(batch, "/1").remove("eventId");
    byte[] json = Golden.bytes(batch);

    WireFormatException rejection = rejectionOf(() -> codec.decodeEvents(json));

    assertThat(rejection).hasMessage("$[1].eventId: is required");
  }

  @Test
  void unsupportedMajorVersionIsReportedBeforeAnyOtherProblem() {
    // A 2.x document may have changed shape entirely; the version is the one useful complaint.
    WireFormatException rejection =
        heartbeatRejection(
            tree -> {
              tree.put("protocolVersion", "2.0");
              tree.remove("nodeId");
              tree.put("disks", "reshaped in 2.0");
            });

    assertThat(rejection)
        .hasMessage("$.protocolVersion: unsupported major version 2; this build speaks 1.x");
  }

  @Test
  void unsupportedMajorVersionOfAnEventIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("protocolVersion", "0.9"));

    assertThat(rejection)
        .hasMessage("$.protocolVersion: unsupported major version 0; this build speaks 1.x");
  }

  @Test
  void versionThatIsNotMajorDotMinorIsRejected() {
    WireFormatException rejection = heartbeatRejection(tree -> tree.put("protocolVersion", "1"));

    assertThat(rejection)
        .hasMessage("$.protocolVersion: must be MAJOR.MINOR, e.g. " + ProtocolVersion.CURRENT);
  }

  @Test
  void timestampWithAnOffsetInsteadOfZIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(tree -> tree.put("sentAt", "2026-11-21T10:00:00+01:00"));

    assertThat(rejection)
        .hasMessage("$.sentAt: must be an ISO-8601 UTC timestamp such as 2026-11-21T09:00:00Z");
  }

  @Test
  void timestampWithoutAZoneIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(
            tree -> Golden.object(tree, "/files/0").put("lastRotation", "2026-11-21T02:00:03"));

    assertThat(rejection.path()).isEqualTo("$.files[0].lastRotation");
    assertThat(rejection.rule()).startsWith("must be an ISO-8601 UTC timestamp");
  }

  @Test
  void wellShapedButImpossibleTimestampIsRejected() {
    WireFormatException rejection =
        heartbeatRejection(tree -> tree.put("sentAt", "2026-13-01T00:00:00Z"));

    assertThat(rejection.path()).isEqualTo("$.sentAt");
    assertThat(rejection.rule()).startsWith("must be an ISO-8601 UTC timestamp");
  }

  @Test
  void epochNumberInsteadOfTimestampIsRejected() {
    WireFormatException rejection = heartbeatRejection(tree -> tree.put("sentAt", 1795251600));

    assertThat(rejection.path()).isEqualTo("$.sentAt");
  }

  @Test
  void nonCanonicalUuidIsRejected() {
    WireFormatException rejection =
        eventRejection(Golden.EVENT_SUCCESS, tree -> tree.put("eventId", "1-2-3-4-5"));

    assertThat(rejection)
        .hasMessage("$.eventId: must be a UUID such as 123e4567-e89b-12d3-a456-426614174000");
  }

  @Test
  void invalidIdInAnAckIsNamedByItsIndex() {
    byte[] json = "{\"accepted\":[\"not-a-uuid\"]}".getBytes(StandardCharsets.UTF_8);

    WireFormatException rejection = rejectionOf(() -> codec.decodeAck(json));

    assertThat(rejection.path()).isEqualTo("$.accepted[0]");
  }

  @Test
  void blankCommandPathIsRejectedRatherThanReadAsAllFiles() {
    byte[] json =
        Golden.edited(
            Golden.REPLY_COMMANDS, tree -> Golden.object(tree, "/commands/0").put("path", ""));

    WireFormatException rejection = rejectionOf(() -> codec.decodeReply(json));

    assertThat(rejection).hasMessage("$.commands[0].path: must not be blank");
  }

  @Test
  void malformedJsonIsRejectedAtTheRootWithTheParsersLocation() {
    WireFormatException rejection =
        rejectionOf(() -> codec.decodeHeartbeat("{\"protocolVersion\": \"1.0\", \"nodeId\": x}"));

    assertThat(rejection.path()).isEqualTo("$");
    assertThat(rejection.rule()).startsWith("is not valid JSON (").contains("line 1, column 38");
  }

  @Test
  void truncatedDocumentIsRejectedAsInvalidJson() {
    byte[] golden = Golden.bytes(Golden.EVENT_SUCCESS);
    byte[] truncated = Arrays.copyOf(golden, golden.length / 2);

    WireFormatException rejection = rejectionOf(() -> codec.decodeEvent(truncated));

    assertThat(rejection.path()).isEqualTo("$");
    assertThat(rejection.rule()).startsWith("is not valid JSON (");
  }

  @Test
  void contentAfterTheDocumentIsRejected() {
    WireFormatException rejection = rejectionOf(() -> codec.decodeAck("{\"accepted\":[]} {}"));

    assertThat(rejection)
        .hasMessage(
            "$: is not valid JSON (unexpected content after the document at line 1, column 17)");
  }

  @Test
  void duplicateKeysAreRejected() {
    WireFormatException rejection =
        rejectionOf(() -> codec.decodeAck("{\"accepted\":[], \"accepted\":[]}"));

    assertThat(rejection.path()).isEqualTo("$");
    assertThat(rejection.rule()).contains("Duplicate field 'accepted'");
  }

  @Test
  void emptyInputIsRejected() {
    WireFormatException rejection = rejectionOf(() -> codec.decodeHeartbeat(new byte[0]));

    assertThat(rejection).hasMessage("$: is empty; expected a JSON document");
  }

  @Test
  void whitespaceOnlyInputIsRejectedAsEmpty() {
    WireFormatException rejection = rejectionOf(() -> codec.decodeReply(" \n\t "));

    assertThat(rejection).hasMessage("$: is empty; expected a JSON document");
  }

  @Test
  void arrayWhereAnObjectBelongsIsRejected() {
    WireFormatException rejection = rejectionOf(() -> codec.decodeHeartbeat("[]"));

    assertThat(rejection).hasMessage("$: must be an object, not an array");
  }

  @Test
  void singleEventWhereABatchBelongsIsRejected() {
    byte[] json = Golden.bytes(Golden.EVENT_SUCCESS);

    WireFormatException rejection = rejectionOf(() -> codec.decodeEvents(json));

    assertThat(rejection).hasMessage("$: must be an array, not an object");
  }

  @Test
  void documentOver16MibIsRejectedWithoutParsing() {
    byte[] json = new byte[WireLimits.MAX_DOCUMENT_BYTES + 1];
    Arrays.fill(json, (byte) ' ');

    WireFormatException rejection = rejectionOf(() -> codec.decodeHeartbeat(json));

    assertThat(rejection).hasMessage("$: document is 16777217 bytes; at most 16777216 are allowed");
  }

  @Test
  void nestingDeeperThanTheParserLimitIsRejectedEvenInAnUnknownField() {
    String deep = "[".repeat(100) + "]".repeat(100);
    String json =
        new String(Golden.bytes(Golden.ACK), StandardCharsets.UTF_8)
            .replaceFirst("\\{", "{\"future\": " + deep + ",");

    WireFormatException rejection = rejectionOf(() -> codec.decodeAck(json));

    assertThat(rejection.path()).isEqualTo("$");
    assertThat(rejection.rule()).startsWith("is not valid JSON (").contains("nesting depth");
  }
}
