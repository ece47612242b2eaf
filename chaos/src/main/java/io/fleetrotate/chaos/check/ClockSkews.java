package io.fleetrotate.chaos.check;

import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clock offsets the harness gave each agent, over real time, so that the times an agent wrote
 * in its rotation events can be brought back to the real time line before the ordering checks
 * compare rotations of different nodes. A time written under offset {@code o} while that offset
 * held, {@code [from, until)}, maps back to {@code time - o}; an offset change takes effect in the
 * agent within about 100 ms, hence a small tolerance at both ends.
 */
public final class ClockSkews {
  private static final Duration TOLERANCE = Duration.ofSeconds(2);

  private record Change(Instant at, Duration offset) {}

  private final Map<String, List<Change>> changes = new HashMap<>();

  /** {@code node}'s clock reads real time plus {@code offset} from {@code at} on. */
  public synchronized void shift(String node, Instant at, Duration offset) {
    changes.computeIfAbsent(node, n -> new ArrayList<>()).add(new Change(at, offset));
  }

  public synchronized boolean isEmpty() {
    return changes.isEmpty();
  }

  /**
   * {@code history} with every shifted node's times mapped back to real time; {@code end} closes
   * the last offset's window (when the history was read).
   */
  public synchronized List<Rotation> correct(List<Rotation> history, Instant end) {
    if (changes.isEmpty()) {
      return history;
    }
    return history.stream()
        .map(
            r ->
                new Rotation(
                    r.eventId(),
                    r.node(),
                    r.group(),
                    r.path(),
                    r.trigger(),
                    real(r.node(), r.startedAt(), end),
                    real(r.node(), r.finishedAt(), end),
                    r.result(),
                    r.reason(),
                    r.lockBackend(),
                    r.fencingToken()))
        .toList();
  }

  /**
   * The real time at which {@code node}'s clock read {@code agentTime}, no later than {@code end};
   * {@code agentTime} itself when no window fits.
   */
  public synchronized Instant real(String node, Instant agentTime, Instant end) {
    List<Change> list = changes.getOrDefault(node, List.of());
    if (list.isEmpty()) {
      return agentTime;
    }
    for (int i = list.size(); i >= 0; i--) {
      Instant from = i == 0 ? Instant.MIN : list.get(i - 1).at().minus(TOLERANCE);
      Instant until = (i == list.size() ? end : list.get(i).at()).plus(TOLERANCE);
      Duration offset = i == 0 ? Duration.ZERO : list.get(i - 1).offset();
      Instant candidate = agentTime.minus(offset);
      if (!candidate.isBefore(from) && candidate.isBefore(until)) {
        return candidate;
      }
    }
    return agentTime;
  }
}
