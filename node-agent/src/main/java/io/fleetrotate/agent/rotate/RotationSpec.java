package io.fleetrotate.agent.rotate;

import com.fasterxml.jackson.annotation.JsonValue;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.reopen.Reopener;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the engine needs to rotate one concrete log file, resolved from its configuration.
 *
 * @param compression empty for {@code codec: none}
 * @param delayCompress keep the newest backup uncompressed until the next rotation
 * @param create the new live file to create after a rename, if the configuration asks for one
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
    Duration writerGrace,
    NewLiveFile create) {

  /** A spec that leaves creating the new live file to the server. */
  public RotationSpec(
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
    this(
        liveFile,
        group,
        move,
        reopener,
        compression,
        delayCompress,
        naming,
        retention,
        allowWorldWritable,
        writerGrace,
        NewLiveFile.NONE);
  }

  /**
   * After a rename, the new empty live file the agent creates before the reopen, with these
   * attributes; {@link #NONE} leaves it to the server.
   */
  public record NewLiveFile(
      Optional<Set<PosixFilePermission>> mode, Optional<String> owner, Optional<String> group) {
    public static final NewLiveFile NONE =
        new NewLiveFile(Optional.empty(), Optional.empty(), Optional.empty());

    public boolean wanted() {
      return mode.isPresent() || owner.isPresent() || group.isPresent();
    }
  }

  /** How the live file's bytes get into the backup. */
  public enum Move {
    /** Atomic rename, then the reopen method makes the server write to a new file. */
    RENAME,
    /** Copy, then truncate the live file: lines written in between are lost. */
    COPYTRUNCATE,
    /** Copy, then collapse the copied blocks out of the live file: nothing lost (ext4, xfs). */
    COLLAPSE;

    /** The name in configuration and journals (read back by Jackson through this method too). */
    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
