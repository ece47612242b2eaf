package io.fleetrotate.agent.compress;

import java.util.Objects;

/**
 * What to compress with: the codec, its level and an optional read-throughput limit.
 *
 * @param codec the format to write, never {@link Codec#NONE}; zstd falls back to gzip when it
 *     cannot be used
 * @param level codec level, within {@link Codec#minLevel()}..{@link Codec#maxLevel()}
 * @param maxBytesPerSecond cap on how fast the source is read, so a rotation does not starve the
 *     MCP server of disk bandwidth; {@code 0} means unlimited
 */
public record CompressionRequest(Codec codec, int level, long maxBytesPerSecond) {

  public CompressionRequest {
    Objects.requireNonNull(codec, "codec");
    if (codec == Codec.NONE) {
      throw new IllegalArgumentException("codec none compresses nothing: rename the file instead");
    }
    if (level < codec.minLevel() || level > codec.maxLevel()) {
      throw new IllegalArgumentException(
          codec
              + " level must be between "
              + codec.minLevel()
              + " and "
              + codec.maxLevel()
              + ", got "
              + level);
    }
    if (maxBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "maxBytesPerSecond must be >= 0 (0 = unlimited), got " + maxBytesPerSecond);
    }
  }

  /** Unlimited-speed request at the codec's default level. */
  public static CompressionRequest of(Codec codec) {
    return new CompressionRequest(codec, codec.defaultLevel(), 0);
  }

  public static CompressionRequest zstd(int level) {
    return new CompressionRequest(Codec.ZSTD, level, 0);
  }

  public static CompressionRequest gzip(int level) {
    return new CompressionRequest(Codec.GZIP, level, 0);
  }

  public CompressionRequest withMaxBytesPerSecond(long bytesPerSecond) {
    return new CompressionRequest(codec, level, bytesPerSecond);
  }
}
