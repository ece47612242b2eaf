package io.fleetrotate.agent.rotate;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;

/**
 * One backup of a live log, as found on disk: {@code server.log.20261121-020000[.N][.zst|.gz]}.
 *
 * @param stamp the rotation time encoded in the name
 * @param sequence the collision counter ({@code .1}, {@code .2}) or 0
 * @param extension {@code ""} for an uncompressed backup, else {@code ".zst"} or {@code ".gz"}
 */
public record Backup(Path path, Instant stamp, int sequence, String extension, long sizeBytes) {

  /** Oldest first. */
  public static final Comparator<Backup> OLDEST_FIRST =
      Comparator.comparing(Backup::stamp).thenComparingInt(Backup::sequence);

  public boolean compressed() {
    return !extension.isEmpty();
  }
}
