package io.fleetrotate.agent.rotate.live;

import java.util.Objects;
import java.util.Optional;

/**
 * What moving a live file aside did.
 *
 * @param methodUsed what was done to the live file: {@code COPY_TRUNCATE} also after a collapse
 *     fell back to it; the method asked for when skipped
 * @param bytesCopied bytes written to the backup, which is fsynced before the live file changes
 * @param bytesRemovedFromLive for a collapse, the bytes cut from the front of the live file (equal
 *     to {@code bytesCopied}); for copytruncate, the live file's size last seen before it was
 *     truncated, which may be short of the size it had at the truncate (see {@link
 *     #bytesKnownLost()})
 * @param fallbackReason why a collapse was done by copytruncate instead, when it was
 * @param skippedReason why nothing was done, when nothing was: no backup was made and the live file
 *     is untouched
 */
public record MoveResult(
    LiveMoveMethod methodUsed,
    long bytesCopied,
    long bytesRemovedFromLive,
    Optional<String> fallbackReason,
    Optional<String> skippedReason) {

  public MoveResult {
    Objects.requireNonNull(methodUsed, "methodUsed");
    Objects.requireNonNull(fallbackReason, "fallbackReason");
    Objects.requireNonNull(skippedReason, "skippedReason");
    if (bytesCopied < 0 || bytesRemovedFromLive < bytesCopied) {
      throw new IllegalArgumentException(
          "need 0 <= bytesCopied <= bytesRemovedFromLive, got "
              + bytesCopied
              + " and "
              + bytesRemovedFromLive);
    }
  }

  static MoveResult collapsed(long bytes) {
    return new MoveResult(
        LiveMoveMethod.COLLAPSE, bytes, bytes, Optional.empty(), Optional.empty());
  }

  static MoveResult copyTruncated(long copied, long lastSeenSize, Optional<String> fallbackReason) {
    return new MoveResult(
        LiveMoveMethod.COPY_TRUNCATE, copied, lastSeenSize, fallbackReason, Optional.empty());
  }

  static MoveResult skipped(LiveMoveMethod asked, String reason) {
    return new MoveResult(asked, 0, 0, Optional.empty(), Optional.of(reason));
  }

  /**
   * Nothing was done: the file was too small to collapse. The engine records a skipped rotation.
   */
  public boolean skipped() {
    return skippedReason.isPresent();
  }

  /** A collapse was asked for, but the filesystem cannot collapse, so the file was truncated. */
  public boolean fellBackToCopyTruncate() {
    return fallbackReason.isPresent();
  }

  /**
   * Bytes the writer appended after the last copy and before the truncate that the mover saw, and
   * which are therefore lost. A lower bound: bytes appended in the few microseconds between that
   * last look and the truncate itself cannot be seen by anyone. Always 0 for a collapse.
   */
  public long bytesKnownLost() {
    return bytesRemovedFromLive - bytesCopied;
  }
}
