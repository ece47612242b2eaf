package io.fleetrotate.agent.report;

import io.fleetrotate.proto.WireLimits;
import java.time.Duration;

/**
 * The reporter's tuning, fixed in code rather than configuration; tests shorten the waits.
 *
 * @param initialBackoff the wait after a first failed send
 * @param maxBackoff the longest wait between sends while the coordinator fails
 * @param maxBatch events per POST; the coordinator accepts up to {@link
 *     WireLimits#MAX_EVENTS_PER_BATCH}, smaller batches keep each request short
 * @param requestTimeout how long one request may take, connection included
 * @param flushDeadline how long a clean stop keeps trying to send pending events
 * @param warnAbove pending events past which the outbox logs an error (it never drops any)
 * @param statusWait how long a heartbeat waits for the rotation worker to report the files' status
 *     before it sends the last status it has
 */
record ReportSettings(
    Duration initialBackoff,
    Duration maxBackoff,
    int maxBatch,
    Duration requestTimeout,
    Duration flushDeadline,
    int warnAbove,
    Duration statusWait) {
  static final ReportSettings DEFAULTS =
      new ReportSettings(
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          500,
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          100_000,
          Duration.ofSeconds(5));

  ReportSettings {
    if (maxBatch < 1 || maxBatch > WireLimits.MAX_EVENTS_PER_BATCH) {
      throw new IllegalArgumentException(
          "maxBatch must be 1.." + WireLimits.MAX_EVENTS_PER_BATCH + ", not " + maxBatch);
    }
  }
}
