package io.fleetrotate.agent.trigger;

import io.fleetrotate.agent.config.CronSchedule;
import io.fleetrotate.agent.config.TriggerConfig;
import io.fleetrotate.proto.Trigger;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Decides whether a log is due. Any configured trigger that fires makes it due; {@code minSize} and
 * {@code rotateEmpty} veto all of them. When several fire, the reported one is size, then schedule,
 * then age.
 */
public final class TriggerEvaluator {
  private TriggerEvaluator() {}

  /**
   * @param since the last rotation of this file, or when the agent first saw it
   */
  public static Optional<Trigger> due(TriggerConfig t, long sizeBytes, Instant since, Instant now) {
    if (sizeBytes == 0 && !t.rotateEmpty()) {
      return Optional.empty();
    }
    if (sizeBytes < t.minSizeBytes()) {
      return Optional.empty();
    }
    if (t.maxSizeBytes().isPresent() && sizeBytes >= t.maxSizeBytes().getAsLong()) {
      return Optional.of(Trigger.SIZE);
    }
    if (t.schedule().isPresent() && t.schedule().get().firedBetween(since, now)) {
      return Optional.of(Trigger.SCHEDULE);
    }
    if (t.maxAge().isPresent() && !now.isBefore(since.plus(t.maxAge().get()))) {
      return Optional.of(Trigger.AGE);
    }
    return Optional.empty();
  }

  /** When the schedule or age trigger fires next (size triggers have no time), for status. */
  public static Optional<Instant> nextTimed(TriggerConfig t, Instant since, Instant now) {
    Optional<Instant> bySchedule = Optional.empty();
    if (t.schedule().isPresent()) {
      CronSchedule s = t.schedule().get();
      bySchedule =
          s.nextExecutionAfter(ZonedDateTime.ofInstant(now, s.zone())).map(z -> z.toInstant());
    }
    Optional<Instant> byAge = t.maxAge().map(since::plus);
    if (bySchedule.isEmpty()) {
      return byAge;
    }
    if (byAge.isEmpty()) {
      return bySchedule;
    }
    return Optional.of(bySchedule.get().isBefore(byAge.get()) ? bySchedule.get() : byAge.get());
  }
}
