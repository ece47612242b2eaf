package io.fleetrotate.proto;

/**
 * The size limits of the wire contract. Public because senders need them too: the agent sizes its
 * event batches by {@link #MAX_EVENTS_PER_BATCH}, the coordinator caps request bodies at {@link
 * #MAX_DOCUMENT_BYTES}. Lengths are counted in Java {@code char}s (UTF-16 code units).
 */
public final class WireLimits {
  /** Node ids, groups, agent versions. */
  public static final int MAX_ID_LENGTH = 128;

  /** File paths and mount points (Linux PATH_MAX). */
  public static final int MAX_PATH_LENGTH = 4096;

  /** Free-text messages in rotation events. */
  public static final int MAX_MESSAGE_LENGTH = 4096;

  /** Short names such as a codec ({@code zstd}) or a lock backend ({@code redis}). */
  public static final int MAX_SHORT_NAME_LENGTH = 32;

  public static final int MAX_DISKS = 256;
  public static final int MAX_FILES = 10_000;
  public static final int MAX_COMMANDS = 1_000;
  public static final int MAX_EVENTS_PER_BATCH = 10_000;

  /**
   * Longest duration an event may report (a rotation, a lock wait): 30 days. Longer ones come from
   * a broken clock, and far longer ones overflow the nanosecond arithmetic of metrics.
   */
  public static final long MAX_DURATION_MILLIS = 30L * 24 * 60 * 60 * 1000;

  /** Largest document the codec will decode or encode: 16 MiB. */
  public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

  private WireLimits() {}
}
