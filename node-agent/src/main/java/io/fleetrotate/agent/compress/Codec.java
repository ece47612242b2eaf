package io.fleetrotate.agent.compress;

import com.fasterxml.jackson.annotation.JsonValue;
import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * How rotated backups are compressed ({@code files[].compress.codec}): the formats the {@link
 * Compressor} writes, and {@link #NONE}, which it never sees: then the rotation engine renames the
 * file and compresses nothing.
 */
public enum Codec {
  /** Zstandard frame with content size and checksum, readable by {@code zstd -d}. */
  ZSTD("zstd", ".zst", 1, 19, 3),
  /** RFC 1952 gzip member, readable by {@code gzip -d}. */
  GZIP("gzip", ".gz", 1, 9, 6),
  /** No compression: the backup is the moved file itself. */
  NONE("none", "", 0, 0, 0);

  private final String wireName;
  private final String fileExtension;
  private final int minLevel;
  private final int maxLevel;
  private final int defaultLevel;

  Codec(String wireName, String fileExtension, int minLevel, int maxLevel, int defaultLevel) {
    this.wireName = wireName;
    this.fileExtension = fileExtension;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  /**
   * The name used in configuration, journals, events and on the wire: {@code zstd}, {@code gzip},
   * {@code none} (Jackson reads it back through this method too).
   */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The suffix a compressed backup carries, with its dot ({@code .zst}, {@code .gz}), or empty. */
  public String fileExtension() {
    return fileExtension;
  }

  /** The lowest accepted level (0 for {@link #NONE}, which has no levels). */
  public int minLevel() {
    return minLevel;
  }

  /** The highest accepted level (0 for {@link #NONE}). */
  public int maxLevel() {
    return maxLevel;
  }

  /** The level the format's own CLI uses when none is given: zstd 3, gzip 6 (0 for none). */
  public int defaultLevel() {
    return defaultLevel;
  }

  /** The codec named {@code wireName} ({@code zstd}, {@code gzip}, {@code none}), if any. */
  public static Optional<Codec> ofWireName(String wireName) {
    return Arrays.stream(values()).filter(c -> c.wireName.equals(wireName)).findFirst();
  }

  /** The compressed format whose suffix {@code file}'s name ends with, if any. */
  public static Optional<Codec> ofFile(Path file) {
    String name = file.getFileName().toString();
    return Arrays.stream(values())
        .filter(c -> c != NONE && name.endsWith(c.fileExtension))
        .findFirst();
  }

  /**
   * Decodes {@code compressed}, concatenated frames or members alike, as one stream ({@link #NONE}
   * returns it as it is).
   */
  public InputStream decoding(InputStream compressed) throws IOException {
    return switch (this) {
      case ZSTD -> new ZstdInputStream(compressed);
      case GZIP -> new GZIPInputStream(compressed);
      case NONE -> compressed;
    };
  }

  @Override
  public String toString() {
    return wireName;
  }
}
