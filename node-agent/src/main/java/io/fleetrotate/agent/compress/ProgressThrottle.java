package io.fleetrotate.agent.compress;

import java.util.function.LongSupplier;

/**
 * Forwards progress to a listener no more often than every 64 MiB or 250 ms, and never backwards:
 * after a fallback the second codec rereads from 0, and the bar waits until it passes the mark.
 */
final class ProgressThrottle {

  static final long BYTES_BETWEEN_REPORTS = 64L << 20;
  static final long NANOS_BETWEEN_REPORTS = 250_000_000L;

  private final ProgressListener listener;
  private final long bytesTotal;
  private final LongSupplier nanoTime;
  private long lastReportedBytes;
  private long lastReportNanos;
  private boolean reportedAny;

  ProgressThrottle(ProgressListener listener, long bytesTotal, LongSupplier nanoTime) {
    this.listener = listener;
    this.bytesTotal = bytesTotal;
    this.nanoTime = nanoTime;
    this.lastReportNanos = nanoTime.getAsLong();
  }

  void advanced(long bytesDone) {
    if (bytesDone <= lastReportedBytes) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (bytesDone - lastReportedBytes >= BYTES_BETWEEN_REPORTS
        || now - lastReportNanos >= NANOS_BETWEEN_REPORTS) {
      report(bytesDone, now);
    }
  }

  /** The final report, so a progress bar always ends full. */
  void finished(long bytesDone) {
    if (!reportedAny || bytesDone > lastReportedBytes) {
      report(bytesDone, nanoTime.getAsLong());
    }
  }

  private void report(long bytesDone, long now) {
    lastReportedBytes = bytesDone;
    lastReportNanos = now;
    reportedAny = true;
    listener.onProgress(bytesDone, bytesTotal);
  }
}
