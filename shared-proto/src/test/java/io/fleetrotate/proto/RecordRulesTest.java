package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The records enforce the wire rules in code too, and derive what is not sent. */
class RecordRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-21T02:00:00Z");

  private final WireCodec codec = new WireCodec();

  private static RotationEvent event(Result result, FailureReason reason, long before, long after) {
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        "mcp-host-1",
        "mcp-server",
        "/var/log/mcp-server/server.log",
        Trigger.MANUAL,
        T0,
        T0.plusMillis(2_500),
        result,
        reason,
        null,
        before,
        after,
        "zstd",
        "local",
        0,
        0);
  }

  @Test
  void diskWithNegativeUsedBytesCannotBeBuilt() {
    assertThatThrownBy(() -> new DiskUsage("/var/log", 100, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("usedBytes: must be >= 0");
  }

  @Test
  void failedEventWithoutReasonCannotBeBuilt() {
    assertThatThrownBy(() -> event(Result.FAILED, null, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reason: is required when result is FAILED");
  }

  @Test
  void heartbeatOfAnotherMajorVersionCannotBeBuilt() {
    assertThatThrownBy(
            () -> new NodeHeartbeat("2.0", "n", "g", "0.1.0", T0, List.of(), List.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("protocolVersion: unsupported major version 2; this build speaks 1.x");
  }

  @Test
  void timestampOutsideFourDigitYearsCannotBeBuilt() {
    // Instant.toString() would write "+10000-...", which the wire format does not accept.
    assertThatThrownBy(
            () -> new HeartbeatReply(ProtocolVersion.CURRENT, Rules.LATEST.plusNanos(1), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverTime: must be between 1970 and 9999");
  }

  @Test
  void listWithANullEntryCannotBeBuilt() {
    assertThatThrownBy(() -> new EventAck(Collections.singletonList(null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accepted: must not contain null entries");
  }

  @Test
  void recordsKeepACopyOfTheListsTheyAreGiven() {
    List<UUID> ids = new ArrayList<>(List.of(UUID.randomUUID()));
    EventAck ack = new EventAck(ids);

    ids.add(UUID.randomUUID());

    assertThat(ack.accepted()).hasSize(1);
    assertThatThrownBy(() -> ack.accepted().add(UUID.randomUUID()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void usedRatioIsUsedOverTotalAndZeroForAMountWithoutCapacity() {
    assertThat(new DiskUsage("/var/log", 200, 170).usedRatio()).isEqualTo(0.85);
    assertThat(new DiskUsage("/var/log", 0, 0).usedRatio()).isZero();
  }

  @Test
  void compressionRatioIsAfterOverBeforeAndAbsentForAnEmptyFile() {
    assertThat(event(Result.SUCCESS, null, 1000, 90).compressionRatio()).hasValue(0.09);
    assertThat(event(Result.SKIPPED, null, 0, 0).compressionRatio()).isEmpty();
  }

  @Test
  void durationRunsFromStartToFinish() {
    assertThat(event(Result.SUCCESS, null, 1, 1).duration().toMillis()).isEqualTo(2_500);
  }

  @Test
  void encodingOmitsAbsentOptionalFieldsInsteadOfWritingNull() throws Exception {
    FileStatus neverRotated = new FileStatus("/var/log/a.log", 0, 0.0, 0, 0, null, null);
    NodeHeartbeat heartbeat =
        new NodeHeartbeat(
            ProtocolVersion.CURRENT, "n", "g", "0.1.0", T0, List.of(), List.of(neverRotated), null);
    Command rotateAll = new Command(UUID.randomUUID(), CommandType.ROTATE_NOW, null);

    JsonNode file = Golden.tree(codec.encode(heartbeat)).at("/files/0");
    JsonNode event = Golden.tree(codec.encode(event(Result.SUCCESS, null, 1, 1)));
    JsonNode command =
        Golden.tree(codec.encode(new HeartbeatReply("1.0", T0, List.of(rotateAll))))
            .at("/commands/0");

    assertThat(file.has("lastRotation")).isFalse();
    assertThat(file.has("lastResult")).isFalse();
    assertThat(event.has("reason")).isFalse();
    assertThat(event.has("message")).isFalse();
    assertThat(command.has("path")).isFalse();
    assertThat(new String(codec.encode(heartbeat), StandardCharsets.UTF_8)).doesNotContain("null");
  }

  @Test
  void derivedValuesAreNotWrittenToTheWire() {
    NodeHeartbeat heartbeat =
        new NodeHeartbeat(
            ProtocolVersion.CURRENT,
            "n",
            "g",
            "0.1.0",
            T0,
            List.of(new DiskUsage("/", 10, 5)),
            List.of(),
            null);

    JsonNode disk = Golden.tree(codec.encode(heartbeat)).at("/disks/0");
    JsonNode event = Golden.tree(codec.encode(event(Result.SUCCESS, null, 10, 5)));

    assertThat(disk.fieldNames()).toIterable().containsExactly("mount", "totalBytes", "usedBytes");
    assertThat(event.has("compressionRatio")).isFalse();
    assertThat(event.has("duration")).isFalse();
  }

  @Test
  void encodingABatchOverTheLimitIsRefusedSinceNoReceiverWouldAcceptIt() {
    RotationEvent one = event(Result.SUCCESS, null, 1, 1);
    List<RotationEvent> tooMany = Collections.nCopies(WireLimits.MAX_EVENTS_PER_BATCH + 1, one);

    assertThatThrownBy(() -> codec.encodeEvents(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("An event batch holds at most 10000 events, not 10001; split it.");
  }
}
