package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.reopen.Reopener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the engine needs to rotate one concrete log file, resolved from its configuration.
 *
 * @param compression empty for {@code codec: none}
 * @param delayCompress keep the newest backup uncompressed until the next rotation
 * @param writerGrace how long to wait, after a rename and reopen, for the server to close the
 *     backup before compressing it (compression is deferred past that, never forced)
 */
public record RotationSpec(
    Path liveFile,
    String group,
    Move move,
    Reopener reopener,
    Optional<CompressionRequest> compression,
    boolean delayCompress,
    BackupNaming naming,
    RetentionPolicy retention,
    boolean allowWorldWritable,
    Duration writerGrace) {

  /** How the live file's bytes get into the backup. */
  public enum Move {
    /** Atomic rename, then the reopen method makes the server write to a new file. */
    RENAME,
    /** Copy, then truncate the live file: lines written in between are lost. */
    COPYTRUNCATE,
    /** Copy, then collapse the copied blocks out of the live file: nothing lost (ext4, xfs). */
    COLLAPSE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
