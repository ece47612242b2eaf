package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.FenceView;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Another holder's rotation of a file, found in the fence beside it after this agent had already
 * decided the file was due: replicas on a shared log volume see the same file become due, the first
 * to get the lease rotates it, and the others must not rotate the fresh file again.
 *
 * <p>The fence's time is the other holder's wall clock. It is bounded by this agent's clock before
 * the schedule and age triggers count from it: never later than now, and, when the fence changed
 * while this agent waited for its lease, never earlier than when it asked. (The size trigger needs
 * no time: the current size decides it.)
 *
 * @param holder who rotated the file, as the fence names it
 * @param token the fencing token it rotated under
 * @param recordedAt the fence's time, on the other holder's clock
 * @param countFrom when this agent's schedule and age triggers count from, on its own clock
 * @param whileWaiting the fence changed between this agent asking for its lease and getting it
 */
record RotatedElsewhere(
    String holder, long token, Instant recordedAt, Instant countFrom, boolean whileWaiting) {

  /**
   * @param fence what the fence holds now, already known to be another holder's rotation in this
   *     file's group
   * @param tokenWhenAsked the fence's token when this agent asked for its lease: 0 without a fence,
   *     {@link FenceView#UNKNOWN_TOKEN} when it could not be read
   * @param since when this agent's own schedule and age clocks started (its last successful
   *     rotation, or when it first saw the file)
   * @return empty when the fence did not change while this agent waited and shows nothing newer
   *     than {@code since}
   */
  static Optional<RotatedElsewhere> find(
      FenceFile.Entry fence, long tokenWhenAsked, Instant askedAt, Instant now, Instant since) {
    boolean whileWaiting =
        tokenWhenAsked != FenceView.UNKNOWN_TOKEN && tokenWhenAsked != fence.token();
    Instant at = fence.at().isAfter(now) ? now : fence.at();
    if (whileWaiting && at.isBefore(askedAt)) {
      at = askedAt;
    }
    // A change while waiting is another holder's rotation whatever the clocks say; otherwise only
    // a fence newer than this agent's own clock start shows one.
    if (!whileWaiting && !at.isAfter(since)) {
      return Optional.empty();
    }
    Instant countFrom = at.isAfter(since) ? at : since;
    return Optional.of(
        new RotatedElsewhere(fence.holder(), fence.token(), fence.at(), countFrom, whileWaiting));
  }

  /** Why the agent did not rotate {@code live}, in one sentence. */
  String sentence(Path live) {
    return holder
        + " rotated "
        + live
        + " at "
        + recordedAt
        + " (fencing token "
        + token
        + ") "
        + (whileWaiting
            ? "while this agent waited for the lease"
            : "before this agent got the lease")
        + ", and it is not due any more";
  }
}
