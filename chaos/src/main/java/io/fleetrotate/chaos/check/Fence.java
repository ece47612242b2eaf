package io.fleetrotate.chaos.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What an agent's fence file ({@code .<log>.fence}) records: the highest token any holder did a
 * destructive step under, as {@code <token> <group> <holder> <instant>}.
 */
public record Fence(long token, String group, String holder, Instant at) {

  /** The fence beside {@code log}, if there is one and it parses. */
  public static Optional<Fence> besideLog(Path log) {
    Path f = log.resolveSibling("." + log.getFileName() + ".fence");
    try {
      return parse(Files.readString(f));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<Fence> parse(String text) {
    String[] parts = text.strip().split(" ");
    if (parts.length < 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Fence(Long.parseLong(parts[0]), parts[1], parts[2], Instant.parse(parts[3])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
