package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What one rotation did. A failure always says why ({@code reason}) in one sentence ({@code
 * message}); nothing is lost in any outcome. Built through the named factories: {@link #ended} for
 * a rotation that ran, {@link #skipped}, {@link #deferred} and {@link #failed} for a file left as
 * it was.
 *
 * @param bytesBefore bytes moved out of the live file
 * @param bytesAfter bytes the backup takes on disk after compression
 * @param codec the codec actually used ({@link Codec#NONE} when compression was deferred or
 *     failed); events and the journal carry its {@link Codec#wireName}
 */
public record RotationOutcome(
    String rotationId,
    Path liveFile,
    String group,
    Trigger trigger,
    Result result,
    Optional<FailureReason> reason,
    String message,
    long bytesBefore,
    long bytesAfter,
    Codec codec,
    Instant startedAt,
    Instant finishedAt,
    long fencingToken,
    Optional<Path> backup) {

  /**
   * Who rotates what, fixed when the attempt starts.
   *
   * @param fencingToken the lease's token (0 without a lease)
   */
  public record Attempt(
      String rotationId,
      Path liveFile,
      String group,
      Trigger trigger,
      long fencingToken,
      Instant startedAt) {

    /** An attempt with a fresh id. */
    public static Attempt fresh(
        Path liveFile, String group, Trigger trigger, long fencingToken, Instant startedAt) {
      return new Attempt(
          UUID.randomUUID().toString(), liveFile, group, trigger, fencingToken, startedAt);
    }
  }

  /** What a rotation moved and wrote; {@link #NONE} for a file left as it was. */
  public record Work(long bytesBefore, long bytesAfter, Codec codec, Optional<Path> backup) {
    public static final Work NONE = new Work(0, 0, Codec.NONE, Optional.empty());
  }

  /** A rotation that ran, to success or failure, ending at {@code finishedAt}. */
  public static RotationOutcome ended(
      Attempt a,
      Result result,
      Optional<FailureReason> reason,
      String message,
      Work w,
      Instant finishedAt) {
    return new RotationOutcome(
        a.rotationId(),
        a.liveFile(),
        a.group(),
        a.trigger(),
        result,
        reason,
        message,
        w.bytesBefore(),
        w.bytesAfter(),
        w.codec(),
        a.startedAt(),
        finishedAt,
        a.fencingToken(),
        w.backup());
  }

  /** Not rotated because it is not due any more ({@code why}): SKIPPED, no failure reason. */
  public static RotationOutcome skipped(Attempt a, String why) {
    return ended(a, Result.SKIPPED, Optional.empty(), why, Work.NONE, a.startedAt());
  }

  /** Put off until the lock service is reachable again: SKIPPED, not FAILED. */
  public static RotationOutcome deferred(Attempt a, String why) {
    return ended(
        a,
        Result.SKIPPED,
        Optional.of(FailureReason.LOCK_UNAVAILABLE),
        why,
        Work.NONE,
        a.startedAt());
  }

  /** Failed before anything was moved: the file is as it was. */
  public static RotationOutcome failed(Attempt a, FailureReason reason, String why) {
    return ended(a, Result.FAILED, Optional.of(reason), why, Work.NONE, a.startedAt());
  }

  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  public boolean succeeded() {
    return result == Result.SUCCESS;
  }
}
