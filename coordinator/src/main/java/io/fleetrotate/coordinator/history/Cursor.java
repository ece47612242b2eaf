package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.RotationEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a page of rotations ended: the last item's finish time and event id, the order the store
 * lists in. Opaque to clients: {@link #encode()} gives a URL-safe token.
 */
public record Cursor(Instant finishedAt, UUID eventId) {
  private static final String VERSION = "1";

  static Cursor of(RotationEvent e) {
    return new Cursor(e.finishedAt(), e.eventId());
  }

  public String encode() {
    String plain =
        VERSION + ":" + finishedAt.getEpochSecond() + ":" + finishedAt.getNano() + ":" + eventId;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads a token made by {@link #encode()}; empty for anything else. */
  public static Optional<Cursor> decode(String token) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      String[] parts = plain.split(":", -1);
      if (parts.length != 4 || !parts[0].equals(VERSION)) {
        return Optional.empty();
      }
      Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      return Optional.of(new Cursor(at, UUID.fromString(parts[3])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
