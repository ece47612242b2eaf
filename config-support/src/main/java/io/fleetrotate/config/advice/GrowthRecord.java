package io.fleetrotate.config.advice;

import java.time.Instant;
import java.util.Optional;

/**
 * One file's growth, hour by hour, from observations of its size. The bytes grown in each whole
 * hour (UTC) are kept, the newest {@code capacity} of them; a file that shrank was rotated, so its
 * new size counts as grown. Thread-safe.
 *
 * <p>The agent keeps one per file in its state directory ({@link #encode}, {@link #decode}); the
 * coordinator one per node and file, from heartbeats.
 */
public final class GrowthRecord {
  /** Two weeks of hours. */
  public static final int DEFAULT_CAPACITY = 14 * 24;

  private static final long HOUR = 3600;
  // A partial hour shorter than this is too short to extrapolate from.
  private static final long MIN_PARTIAL_SECONDS = 60;

  private final int capacity;
  // A ring of the newest whole hours: primitive longs, since the coordinator keeps one per file.
  private final long[] hours;
  private int first;
  private int count;
  private long hour = -1;
  private long hourStartSecond;
  private long lastSecond;
  private long grown;
  private long lastSize = -1;

  public GrowthRecord() {
    this(DEFAULT_CAPACITY);
  }

  public GrowthRecord(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.hours = new long[capacity];
  }

  /** Records the file's size at {@code at}; observations older than the last are ignored. */
  public synchronized void observe(long sizeBytes, Instant at) {
    long second = at.getEpochSecond();
    if (hour >= 0 && second < lastSecond) {
      return;
    }
    long h = Math.floorDiv(second, HOUR);
    if (hour >= 0 && h != hour) {
      closeHour();
    }
    if (hour != h) {
      hour = h;
      hourStartSecond = second;
    }
    if (lastSize >= 0) {
      grown += sizeBytes >= lastSize ? sizeBytes - lastSize : sizeBytes;
    }
    lastSize = sizeBytes;
    lastSecond = second;
  }

  private void closeHour() {
    add(grown);
    grown = 0;
  }

  private void add(long sample) {
    if (count < capacity) {
      hours[(first + count++) % capacity] = sample;
    } else {
      hours[first] = sample;
      first = (first + 1) % capacity;
    }
  }

  private long[] closedHours() {
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      out[i] = hours[(first + i) % capacity];
    }
    return out;
  }

  /**
   * The hourly growth samples to advise on: the whole hours measured; or, before the first whole
   * hour, the current partial hour extrapolated to an hour; empty when under a minute is known.
   */
  public synchronized Optional<Samples> samples() {
    if (count > 0) {
      long[] out = closedHours();
      return Optional.of(new Samples(out, out.length));
    }
    long span = lastSecond - hourStartSecond;
    if (hour < 0 || span < MIN_PARTIAL_SECONDS) {
      return Optional.empty();
    }
    long perHour = Math.round(grown * (HOUR / (double) span));
    return Optional.of(new Samples(new long[] {perHour}, span / (double) HOUR));
  }

  /** Hourly growth and the hours of history it stands for. */
  public record Samples(long[] hourlyGrowth, double hoursMeasured) {}

  /**
   * One line: {@code v1 hour hourStart lastSecond grown lastSize h1,h2,...}; {@link #decode} reads
   * it back.
   */
  public synchronized String encode() {
    StringBuilder out = new StringBuilder("v1 ");
    out.append(hour).append(' ').append(hourStartSecond).append(' ').append(lastSecond);
    out.append(' ').append(grown).append(' ').append(lastSize).append(' ');
    boolean first = true;
    for (long g : closedHours()) {
      if (!first) {
        out.append(',');
      }
      out.append(g);
      first = false;
    }
    return out.toString().trim();
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if {@code text} is not such a line
   */
  public static GrowthRecord decode(String text, int capacity) {
    String[] parts = text.trim().split(" ");
    if ((parts.length != 6 && parts.length != 7) || !parts[0].equals("v1")) {
      throw new IllegalArgumentException("not a growth record");
    }
    GrowthRecord r = new GrowthRecord(capacity);
    try {
      r.hour = Long.parseLong(parts[1]);
      r.hourStartSecond = Long.parseLong(parts[2]);
      r.lastSecond = Long.parseLong(parts[3]);
      r.grown = Long.parseLong(parts[4]);
      r.lastSize = Long.parseLong(parts[5]);
      if (parts.length == 7) {
        for (String g : parts[6].split(",")) {
          long v = Long.parseLong(g);
          if (v < 0) {
            throw new IllegalArgumentException("a growth sample is negative");
          }
          r.add(v);
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a growth record: " + e.getMessage(), e);
    }
    return r;
  }
}
