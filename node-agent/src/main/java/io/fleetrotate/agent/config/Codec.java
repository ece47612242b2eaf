package io.fleetrotate.agent.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** How rotated backups are compressed ({@code files[].compress.codec}). */
public enum Codec {
  ZSTD("zstd", ".zst", 1, 19, 3),
  GZIP("gzip", ".gz", 1, 9, 6),
  NONE("none", "", 0, 0, 0);

  private final String wireName;
  private final String extension;
  private final int minLevel;
  private final int maxLevel;
  private final int defaultLevel;

  Codec(String wireName, String extension, int minLevel, int maxLevel, int defaultLevel) {
    this.wireName = wireName;
    this.extension = extension;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  /**
   * The name used in configuration, journals and on the wire: {@code zstd}, {@code gzip}, {@code
   * none} (Jackson reads it back through this method too).
   */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The suffix appended to a compressed backup: {@code .zst}, {@code .gz}, or empty. */
  public String extension() {
    return extension;
  }

  /** The lowest accepted level (0 for {@link #NONE}, which has no levels). */
  public int minLevel() {
    return minLevel;
  }

  /** The highest accepted level (0 for {@link #NONE}). */
  public int maxLevel() {
    return maxLevel;
  }

  /** The level used when the configuration names none: 3 for zstd, 6 for gzip, 0 for none. */
  public int defaultLevel() {
    return defaultLevel;
  }

  /** The codec with this {@link #wireName()}, if any. */
  public static Optional<Codec> fromWireName(String name) {
    for (Codec c : values()) {
      if (c.wireName.equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
