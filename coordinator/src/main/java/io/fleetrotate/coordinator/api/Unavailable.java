package io.fleetrotate.coordinator.api;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Failures of what the coordinator depends on, not of the request nor of its own code: the history
 * store (a full disk, a database that is down) and the Hazelcast cluster (this member shut down, a
 * member gone, an operation timed out). Every route answers them 503 with {@link
 * #RETRY_AFTER_SECONDS}, never 500: a caller retries later, and an agent keeps its events in its
 * outbox meanwhile.
 */
public final class Unavailable {
  /** What the Retry-After header of a 503 says. */
  public static final String RETRY_AFTER_SECONDS = "5";

  static final String STORE = "the coordinator cannot store data right now; retry later";
  static final String CLUSTER =
      "the coordinator cannot reach its cluster (Hazelcast) right now; retry after the"
          + " Retry-After seconds";

  private Unavailable() {}

  /**
   * The one sentence for the caller when {@code t}, or one of its causes, is such a failure; empty
   * for anything else. The cluster is named first: its failures reach here wrapped in I/O
   * exceptions too.
   */
  public static Optional<String> sentence(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HazelcastException
          || c instanceof HazelcastInstanceNotActiveException
          || c instanceof MemberLeftException) {
        return Optional.of(CLUSTER);
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException || c instanceof UncheckedIOException) {
        return Optional.of(STORE);
      }
    }
    return Optional.empty();
  }
}
