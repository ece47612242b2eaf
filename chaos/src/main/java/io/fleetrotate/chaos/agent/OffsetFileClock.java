package io.fleetrotate.chaos.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's wall clock shifted by the number of milliseconds written in a file, so the chaos
 * suite can make one agent's clock jump (forward or back) without touching the host's clock. {@link
 * ChaosAgentMain} passes it to the agent when given a file; a missing or empty file means no shift.
 * The file is read again at most every 100 ms. It shifts what the agent reads from its {@link
 * Clock}: triggers, backup names, journal and event times. Lease deadlines count elapsed time on
 * the monotonic clock and are not shifted, as a real clock jump leaves them alone too.
 */
public final class OffsetFileClock extends Clock {
  private static final Logger log = LoggerFactory.getLogger(OffsetFileClock.class);
  private static final long REREAD_NANOS = Duration.ofMillis(100).toNanos();

  private final Clock base;
  private final Path file;
  private volatile long offsetMillis;
  private volatile long readAtNanos;
  private volatile boolean read;

  /** {@code base} shifted by the milliseconds {@code file} holds. */
  public OffsetFileClock(Clock base, Path file) {
    this.base = base;
    this.file = file;
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new OffsetFileClock(base.withZone(zone), file);
  }

  @Override
  public Instant instant() {
    return base.instant().plusMillis(offset());
  }

  @Override
  public long millis() {
    return base.millis() + offset();
  }

  private long offset() {
    long now = System.nanoTime();
    if (!read || now - readAtNanos >= REREAD_NANOS) {
      long next = readOffset(file, offsetMillis);
      if (next != offsetMillis) {
        log.warn("chaos: the agent's clock jumps by {} ms", next - offsetMillis);
      }
      offsetMillis = next;
      readAtNanos = now;
      read = true;
    }
    return offsetMillis;
  }

  /** The offset the file holds; 0 when it is missing or empty; {@code previous} when unreadable. */
  static long readOffset(Path file, long previous) {
    try {
      String s = Files.readString(file).trim();
      return s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      log.warn("chaos: cannot read the clock offset in {}: {}", file, e.toString());
      return previous;
    }
  }
}
