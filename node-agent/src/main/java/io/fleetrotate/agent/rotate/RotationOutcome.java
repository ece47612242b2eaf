package io.fleetrotate.agent.rotate;

import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one rotation did. A failure always says why ({@code reason}) in one sentence ({@code
 * message}); nothing is lost in any outcome.
 *
 * @param bytesBefore bytes moved out of the live file
 * @param bytesAfter bytes the backup takes on disk after compression
 * @param codec the codec actually used ({@code none} when compression was deferred or failed)
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
    String codec,
    Instant startedAt,
    Instant finishedAt,
    long fencingToken,
    Optional<Path> backup) {

  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  public boolean succeeded() {
    return result == Result.SUCCESS;
  }
}
