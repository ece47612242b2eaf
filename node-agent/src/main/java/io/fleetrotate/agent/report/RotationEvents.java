package io.fleetrotate.agent.report;

import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Turns what a rotation did into the event the coordinator records. */
final class RotationEvents {
  private RotationEvents() {}

  /**
   * The event id is the rotation's id when that is a UUID (so a rotation finished after a crash
   * keeps its id), else a UUID derived from it. Values the wire contract would refuse are made
   * acceptable rather than lose the event: a failure without a reason says {@code IO_ERROR}, a
   * message too long is cut, negative sizes and waits count as 0.
   *
   * @throws IllegalArgumentException the node id, group or path breaks the wire contract (e.g.
   *     longer than it allows)
   */
  static RotationEvent of(RotationOutcome o, String nodeId, String lockBackend, long lockWaitMs) {
    Result result = o.result();
    FailureReason reason =
        result == Result.FAILED
            ? o.reason().orElse(FailureReason.IO_ERROR)
            : result == Result.SKIPPED
                ? o.reason().filter(r -> r == FailureReason.LOCK_UNAVAILABLE).orElse(null)
                : null;
    Instant started = o.startedAt();
    Instant finished = o.finishedAt().isBefore(started) ? started : o.finishedAt();
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        eventId(o.rotationId(), nodeId),
        nodeId,
        o.group(),
        o.liveFile().toString(),
        o.trigger(),
        started,
        finished,
        result,
        reason,
        clip(o.message(), WireLimits.MAX_MESSAGE_LENGTH),
        Math.max(0, o.bytesBefore()),
        Math.max(0, o.bytesAfter()),
        o.codec().wireName(),
        shortName(lockBackend),
        Math.max(0, lockWaitMs),
        Math.max(0, o.fencingToken()));
  }

  static UUID eventId(String rotationId, String nodeId) {
    try {
      return UUID.fromString(rotationId);
    } catch (IllegalArgumentException | NullPointerException e) {
      return UUID.nameUUIDFromBytes((nodeId + "/" + rotationId).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String clip(String text, int max) {
    if (text == null || text.isBlank()) {
      return null;
    }
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static String shortName(String name) {
    String n = name == null || name.isBlank() ? "none" : name;
    return n.length() <= WireLimits.MAX_SHORT_NAME_LENGTH
        ? n
        : n.substring(0, WireLimits.MAX_SHORT_NAME_LENGTH);
  }
}
