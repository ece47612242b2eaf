package io.fleetrotate.proto;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * One rotation attempt on one file, as the agent reports it from its outbox. The coordinator
 * deduplicates by {@code eventId}, since the outbox delivers at least once.
 *
 * @param protocolVersion the sender's {@link ProtocolVersion}
 * @param eventId unique per attempt, chosen by the agent
 * @param nodeId the agent's node id, non-blank, at most 128 chars
 * @param group the rotation group, non-blank, at most 128 chars
 * @param path the rotated file
 * @param trigger why the rotation started
 * @param startedAt when it started
 * @param finishedAt when it ended, not before {@code startedAt} and at most 30 days after
 * @param result how it ended
 * @param reason why it failed: required when {@code result} is FAILED; on SKIPPED only {@code
 *     LOCK_UNAVAILABLE} (deferred until the lock service is back) or null; null on SUCCESS
 * @param message human-readable detail, or null; at most 4096 chars
 * @param bytesBefore size of the file before rotation, >= 0
 * @param bytesAfter size of the (compressed) backup written, >= 0
 * @param codec the compression codec used, e.g. {@code zstd}, {@code gzip}, {@code none}
 * @param lockBackend the lease backend used, e.g. {@code redis}, {@code hazelcast}, {@code local}
 * @param lockWaitMs how long the agent waited for the lease, from 0 to 30 days
 * @param fencingToken the lease's fencing token, >= 0; 0 when no lease was held
 */
public record RotationEvent(
    String protocolVersion,
    UUID eventId,
    String nodeId,
    String group,
    String path,
    Trigger trigger,
    Instant startedAt,
    Instant finishedAt,
    Result result,
    FailureReason reason,
    String message,
    long bytesBefore,
    long bytesAfter,
    String codec,
    String lockBackend,
    long lockWaitMs,
    long fencingToken) {
  public RotationEvent {
    Rules.protocolVersion("protocolVersion", protocolVersion);
    Rules.required("eventId", eventId);
    Rules.id("nodeId", nodeId);
    Rules.id("group", group);
    Rules.text("path", path, WireLimits.MAX_PATH_LENGTH);
    Rules.required("trigger", trigger);
    Rules.timestamp("startedAt", startedAt);
    Rules.timestamp("finishedAt", finishedAt);
    if (finishedAt.isBefore(startedAt)) {
      throw Rules.violation("finishedAt", "must not be before startedAt (" + startedAt + ")");
    }
    if (Duration.between(startedAt, finishedAt).toMillis() > WireLimits.MAX_DURATION_MILLIS) {
      throw Rules.violation("finishedAt", "must be at most 30 days after startedAt");
    }
    Rules.required("result", result);
    if (result == Result.FAILED && reason == null) {
      throw Rules.violation("reason", "is required when result is FAILED");
    }
    if (result == Result.SKIPPED && reason != null && reason != FailureReason.LOCK_UNAVAILABLE) {
      throw Rules.violation(
          "reason",
          "must be absent or LOCK_UNAVAILABLE when result is SKIPPED (is " + reason + ")");
    }
    if (result == Result.SUCCESS && reason != null) {
      throw Rules.violation(
          "reason", "must be absent unless result is FAILED (result is " + result + ")");
    }
    Rules.optionalMessage("message", message, WireLimits.MAX_MESSAGE_LENGTH);
    Rules.nonNegative("bytesBefore", bytesBefore);
    Rules.nonNegative("bytesAfter", bytesAfter);
    Rules.text("codec", codec, WireLimits.MAX_SHORT_NAME_LENGTH);
    Rules.text("lockBackend", lockBackend, WireLimits.MAX_SHORT_NAME_LENGTH);
    Rules.durationMillis("lockWaitMs", lockWaitMs);
    Rules.nonNegative("fencingToken", fencingToken);
  }

  /**
   * Backup size over original size (lower is better), or empty when the original was empty and
   * there is no ratio to speak of. Derived, so it is not sent on the wire.
   */
  public OptionalDouble compressionRatio() {
    return bytesBefore > 0
        ? OptionalDouble.of((double) bytesAfter / bytesBefore)
        : OptionalDouble.empty();
  }

  /** Whether this rotation wrote a compressed backup: it succeeded, moved bytes, with a codec. */
  public boolean compressed() {
    return result == Result.SUCCESS && bytesBefore > 0 && !"none".equals(codec);
  }

  /** How long the rotation took, from start to finish. */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
