package io.fleetrotate.agent.compress;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The compressed formats this package writes. There is deliberately no {@code NONE}: when nothing
 * is to be compressed the rotation engine renames the file and never calls the {@link Compressor}.
 */
public enum CompressionCodec {
  /** Zstandard frame with content size and checksum, readable by {@code zstd -d}. */
  ZSTD("zstd", ".zst", 3, 1, 22),
  /** RFC 1952 gzip member, readable by {@code gzip -d}. */
  GZIP("gzip", ".gz", 6, 1, 9);

  private final String displayName;
  private final String fileExtension;
  private final int defaultLevel;
  private final int minLevel;
  private final int maxLevel;

  CompressionCodec(
      String displayName, String fileExtension, int defaultLevel, int minLevel, int maxLevel) {
    this.displayName = displayName;
    this.fileExtension = fileExtension;
    this.defaultLevel = defaultLevel;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
  }

  /** Suffix a compressed file of this format carries, with its dot ({@code ".zst"}). */
  public String fileExtension() {
    return fileExtension;
  }

  /** The level the format's own CLI uses when none is given (zstd 3, gzip 6). */
  public int defaultLevel() {
    return defaultLevel;
  }

  public int minLevel() {
    return minLevel;
  }

  public int maxLevel() {
    return maxLevel;
  }

  /** The format whose suffix {@code file}'s name ends with, if any. */
  public static Optional<CompressionCodec> ofFile(Path file) {
    String name = file.getFileName().toString();
    return Arrays.stream(values()).filter(c -> name.endsWith(c.fileExtension)).findFirst();
  }

  /** Decodes {@code compressed}, concatenated frames or members alike, as one stream. */
  public InputStream decoding(InputStream compressed) throws IOException {
    return this == ZSTD ? new ZstdInputStream(compressed) : new GZIPInputStream(compressed);
  }

  @Override
  public String toString() {
    return displayName;
  }
}
