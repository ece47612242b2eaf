package io.fleetrotate.agent.config;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.Codec;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How backups are compressed ({@code files[].compress}). Default: zstd level 3, at once, unlimited
 * speed.
 *
 * @param codec zstd (default), gzip or none
 * @param level zstd 1..19 (default 3), gzip 1..9 (default 6), 0 for none
 * @param delay keep the newest backup uncompressed until the next rotation (default false), for
 *     writers that may still append to it after the reopen
 * @param maxBytesPerSecond read at most this many uncompressed bytes per second; empty means as
 *     fast as possible
 * @param ahead compress a growing log in the background so a rotation only compresses its tail
 *     (default true for zstd and gzip, whose frames and members concatenate; false with delay)
 * @param aheadFrame uncompressed bytes per compress-ahead span ({@link AheadPartial#FRAME_SPAN} by
 *     default, {@link AheadPartial#MIN_FRAME_SPAN}..{@link AheadPartial#MAX_FRAME_SPAN}): a partial
 *     covers only whole spans, so a log rotated below one span's size never uses one; zstd writes
 *     each span as frames of 1 MiB (smaller spans, as one smaller frame, compress worse)
 */
public record CompressConfig(
    Codec codec,
    int level,
    boolean delay,
    OptionalLong maxBytesPerSecond,
    boolean ahead,
    long aheadFrame) {
  /** The compression of a file written without a {@code compress} section. */
  public static final CompressConfig DEFAULT =
      new CompressConfig(
          Codec.ZSTD,
          Codec.ZSTD.defaultLevel(),
          false,
          OptionalLong.empty(),
          true,
          AheadPartial.FRAME_SPAN);

  public CompressConfig {
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(maxBytesPerSecond, "maxBytesPerSecond");
    if (level < codec.minLevel() || level > codec.maxLevel()) {
      throw new IllegalArgumentException(codec.wireName() + " level out of range: " + level);
    }
    if (aheadFrame < AheadPartial.MIN_FRAME_SPAN || aheadFrame > AheadPartial.MAX_FRAME_SPAN) {
      throw new IllegalArgumentException("aheadFrame out of range: " + aheadFrame);
    }
  }
}
