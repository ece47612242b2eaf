package io.fleetrotate.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoldenDocumentTest {
  private final WireCodec codec = new WireCodec();

  @ParameterizedTest
  @ValueSource(strings = {Golden.HEARTBEAT, Golden.HEARTBEAT_NO_FILES})
  void goldenHeartbeatReencodesToTheSameJsonAndDecodesToTheSameRecord(String name)
      throws Exception {
    NodeHeartbeat decoded = codec.decodeHeartbeat(Golden.bytes(name));
    byte[] reencoded = codec.encode(decoded);

    assertThat(Golden.tree(reencoded)).isEqualTo(Golden.tree(name));
    assertThat(codec.decodeHeartbeat(reencoded)).isEqualTo(decoded);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        Golden.EVENT_SUCCESS,
        Golden.EVENT_FAILED,
        Golden.EVENT_SKIPPED,
        Golden.EVENT_DEFERRED
      })
  void goldenEventReencodesToTheSameJsonAndDecodesToTheSameRecord(String name) throws Exception {
    RotationEvent decoded = codec.decodeEvent(Golden.bytes(name));
    byte[] reencoded = codec.encode(decoded);

    assertThat(Golden.tree(reencoded)).isEqualTo(Golden.tree(name));
    assertThat(codec.decodeEvent(reencoded)).isEqualTo(decoded);
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.REPLY_COMMANDS, Golden.REPLY_NO_COMMANDS})
  void goldenReplyReencodesToTheSameJsonAndDecodesToTheSameRecord(String name) throws Exception {
    HeartbeatReply decoded = codec.decodeReply(Golden.bytes(name));
    byte[] reencoded = codec.encode(decoded);

    assertThat(Golden.tree(reencoded)).isEqualTo(Golden.tree(name));
    assertThat(codec.decodeReply(reencoded)).isEqualTo(decoded);
  }

  @Test
  void goldenEventBatchReencodesToTheSameJsonAndDecodesToTheSameEvents() throws Exception {
    List<RotationEvent> decoded = codec.decodeEvents(Golden.bytes(Golden.EVENT_BATCH));
    byte[] reencoded = codec.encodeEvents(decoded);

    assertThat(decoded).hasSize(3);
    assertThat(Golden.tree(reencoded)).isEqualTo(Golden.tree(Golden.EVENT_BATCH));
    assertThat(codec.decodeEvents(reencoded)).isEqualTo(decoded);
  }

  @Test
  void goldenBatchHoldsTheSameEventsAsTheSingleEventGoldens() throws Exception {
    assertThat(codec.decodeEvents(Golden.bytes(Golden.EVENT_BATCH)))
        .containsExactly(
            codec.decodeEvent(Golden.bytes(Golden.EVENT_SUCCESS)),
            codec.decodeEvent(Golden.bytes(Golden.EVENT_FAILED)),
            codec.decodeEvent(Golden.bytes(Golden.EVENT_SKIPPED)));
  }

  @Test
  void goldenAckReencodesToTheSameJsonAndDecodesToTheSameRecord() throws Exception {
    EventAck decoded = codec.decodeAck(Golden.bytes(Golden.ACK));
    byte[] reencoded = codec.encode(decoded);

    assertThat(Golden.tree(reencoded)).isEqualTo(Golden.tree(Golden.ACK));
    assertThat(codec.decodeAck(reencoded)).isEqualTo(decoded);
  }

  @Test
  void goldenHeartbeatDecodesEveryFieldToTheRecordComponentOfTheSameName() throws Exception {
    NodeHeartbeat expected =
        new NodeHeartbeat(
            "1.0",
            "mcp-host-1",
            "mcp-server",
            "0.1.0",
            Instant.parse("2026-11-21T09:00:00Z"),
            List.of(
                new DiskUsage("/var/log", 107_374_182_400L, 91_268_055_040L),
                new DiskUsage("/", 53_687_091_200L, 10_737_418_240L)),
            List.of(
                new FileStatus(
                    "/var/log/mcp-server/server.log",
                    73_400_320L,
                    12345.5,
                    30,
                    1_610_612_736L,
                    Instant.parse("2026-11-21T02:00:03.125Z"),
                    Result.SUCCESS),
                new FileStatus("/var/log/mcp-server/errors.log", 0, 0.0, 0, 0, null, null)),
            null);

    assertThat(codec.decodeHeartbeat(Golden.bytes(Golden.HEARTBEAT))).isEqualTo(expected);
  }

  @Test
  void goldenFailedEventDecodesEveryFieldToTheRecordComponentOfTheSameName() throws Exception {
    RotationEvent expected =
        new RotationEvent(
            "1.0",
            UUID.fromString("8a1d2e3f-4b5c-4d6e-8f70-112233445566"),
            "mcp-host-3",
            "mcp-server",
            "/var/log/mcp-server/server.log",
            Trigger.SCHEDULE,
            Instant.parse("2026-11-21T02:00:00Z"),
            Instant.parse("2026-11-21T02:00:00.500Z"),
            Result.FAILED,
            FailureReason.REOPEN_FAILED,
            "kill -HUP 4242 failed: no such process (pid file /var/run/mcp-server.pid is stale)",
            52_428_800L,
            0L,
            "gzip",
            "redis",
            0L,
            7L);

    assertThat(codec.decodeEvent(Golden.bytes(Golden.EVENT_FAILED))).isEqualTo(expected);
  }

  @Test
  void goldenReplyCarriesARotateOneCommandAndARotateAllCommand() throws Exception {
    HeartbeatReply reply = codec.decodeReply(Golden.bytes(Golden.REPLY_COMMANDS));

    assertThat(reply.commands())
        .extracting(Command::type, Command::path, Command::appliesToAllFiles)
        .containsExactly(
            tuple(CommandType.ROTATE_NOW, "/var/log/mcp-server/server.log", false),
            tuple(CommandType.ROTATE_NOW, null, true));
  }

  @Test
  void stringOverloadsDecodeLikeTheByteOverloads() throws Exception {
    String heartbeat = new String(Golden.bytes(Golden.HEARTBEAT), StandardCharsets.UTF_8);
    String event = new String(Golden.bytes(Golden.EVENT_SUCCESS), StandardCharsets.UTF_8);
    String batch = new String(Golden.bytes(Golden.EVENT_BATCH), StandardCharsets.UTF_8);
    String reply = new String(Golden.bytes(Golden.REPLY_COMMANDS), StandardCharsets.UTF_8);
    String ack = new String(Golden.bytes(Golden.ACK), StandardCharsets.UTF_8);

    assertThat(codec.decodeHeartbeat(heartbeat))
        .isEqualTo(codec.decodeHeartbeat(Golden.bytes(Golden.HEARTBEAT)));
    assertThat(codec.decodeEvent(event))
        .isEqualTo(codec.decodeEvent(Golden.bytes(Golden.EVENT_SUCCESS)));
    assertThat(codec.decodeEvents(batch))
        .isEqualTo(codec.decodeEvents(Golden.bytes(Golden.EVENT_BATCH)));
    assertThat(codec.decodeReply(reply))
        .isEqualTo(codec.decodeReply(Golden.bytes(Golden.REPLY_COMMANDS)));
    assertThat(codec.decodeAck(ack)).isEqualTo(codec.decodeAck(Golden.bytes(Golden.ACK)));
  }
}
