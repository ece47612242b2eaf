package io.fleetrotate.chaos.check;

import io.fleetrotate.agent.rotate.FenceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What an agent's fence file ({@code .<log>.fence}) records: the highest token any holder did a
 * destructive step under. Read through the agent's own {@link FenceFile}, so the checker follows
 * the format wherever the agent takes it.
 */
public record Fence(long token, String group, String holder, Instant at) {

  /** The fence beside {@code log}, if there is one and it parses. */
  public static Optional<Fence> besideLog(Path log) {
    try {
      return FenceFile.readBeside(log)
          .map(e -> new Fence(e.token(), e.group(), e.holder(), e.at()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
