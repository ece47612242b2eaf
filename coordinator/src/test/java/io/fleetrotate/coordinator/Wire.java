package io.fleetrotate.coordinator;

import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import io.fleetrotate.proto.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds the documents agents send. */
public final class Wire {
  public static final WireCodec CODEC = new WireCodec();
  public static final long GIB = 1L << 30;

  private Wire() {}

  public static NodeHeartbeat heartbeat(String node, Instant at, double usedRatio) {
    return new NodeHeartbeat(
        ProtocolVersion.CURRENT,
        node,
        "mcp-server",
        "0.1.0",
        at,
        List.of(new DiskUsage("/var/log", 100 * GIB, (long) (usedRatio * 100 * GIB))),
        List.of(
            new FileStatus("/var/log/mcp/server.log", 1000, 10.0, 3, 3000, null, null),
            new FileStatus("/var/log/mcp/errors.log", 10, 0.0, 1, 10, null, null),
            new FileStatus(
                "/var/log/mcp/access.log", 500, 1.0, 2, 1000, at.minusSeconds(60), Result.SUCCESS)),
        null);
  }

  public static String heartbeatJson(String node, Instant at, double usedRatio) {
    return utf8(CODEC.encode(heartbeat(node, at, usedRatio)));
  }

  public static RotationEvent event(String node, Result result, Instant finishedAt) {
    return event(UUID.randomUUID(), node, "mcp-server", result, finishedAt, Duration.ofSeconds(2));
  }

  public static RotationEvent event(
      UUID id, String node, String group, Result result, Instant finishedAt, Duration took) {
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        id,
        node,
        group,
        "/var/log/mcp/server.log",
        Trigger.SIZE,
        finishedAt.minus(took),
        finishedAt,
        result,
        result == Result.FAILED ? FailureReason.IO_ERROR : null,
        result == Result.FAILED ? "disk said no, \"twice\"" : null,
        100_000_000,
        result == Result.SUCCESS ? 10_000_000 : 0,
        "zstd",
        "hazelcast",
        120,
        7);
  }

  public static String eventsJson(List<RotationEvent> events) {
    return utf8(CODEC.encodeEvents(events));
  }

  /** {@code hb} as a node of {@code group} whose agent reports {@code lock} (protocol 1.1). */
  public static NodeHeartbeat withLock(NodeHeartbeat hb, String group, LockState lock) {
    return new NodeHeartbeat(
        hb.protocolVersion(),
        hb.nodeId(),
        group,
        hb.agentVersion(),
        hb.sentAt(),
        hb.disks(),
        hb.files(),
        lock);
  }

  public static String json(NodeHeartbeat hb) {
    return utf8(CODEC.encode(hb));
  }

  /** A rotation deferred while the lock service was unreachable (protocol 1.1). */
  public static RotationEvent deferred(String node, Instant at) {
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        node,
        "mcp-server",
        "/var/log/mcp/server.log",
        Trigger.SIZE,
        at,
        at,
        Result.SKIPPED,
        FailureReason.LOCK_UNAVAILABLE,
        "deferred until the redis lock service is reachable again",
        0,
        0,
        "none",
        "redis",
        0,
        0);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
