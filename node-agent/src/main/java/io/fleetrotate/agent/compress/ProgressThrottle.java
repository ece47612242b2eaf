package io.fleetrotate.agent.compress;

import java.util.function.LongSupplier;

/** Forwards progress to a listener no more often than every 64 MiB or 250 ms. */
final class ProgressThrottle {

  static final long BYTES_BETWEEN_REPORTS = 64L << 20;
  static final long NANOS_BETWEEN_REPORTS = 250_000_000L;

  private final ProgressListener listener;
  private final long bytesTotal;
  private final LongSupplier nanoTime;
  private long lastReportedBytes;
  private long lastReportNanos;

  ProgressThrottle(ProgressListener listener, long bytesTotal, LongSupplier nanoTime) {
    this.listener = listener;
    this.bytesTotal = bytesTotal;
    this.nanoTime = nanoTime;
    this.lastReportNanos = nanoTime.getAsLong();
  }

  void advanced(long bytesDone) {
    long now = nanoTime.getAsLong();
    if (bytesDone - lastReportedBytes >= BYTES_BETWEEN_REPORTS
        || now - lastReportNanos >= NANOS_BETWEEN_REPORTS) {
      report(bytesDone, now);
    }
  }

  /** The final report, so a progress bar always ends full. */
  void finished(long bytesDone) {
    if (bytesDone != lastReportedBytes || bytesDone == 0) {
      report(bytesDone, nanoTime.getAsLong());
    }
  }

  private void report(long bytesDone, long now) {
    lastReportedBytes = bytesDone;
    lastReportNanos = now;
    listener.onProgress(bytesDone, bytesTotal);
  }
}
