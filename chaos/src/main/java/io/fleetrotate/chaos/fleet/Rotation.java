package io.fleetrotate.chaos.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One rotation as the coordinator's {@code /api/v1/rotations} lists it (the fields the checks
 * read).
 */
public record Rotation(
    String eventId,
    String node,
    String group,
    String path,
    String trigger,
    Instant startedAt,
    Instant finishedAt,
    String result,
    String reason,
    String lockBackend,
    long fencingToken) {

  public boolean succeeded() {
    return "SUCCESS".equals(result);
  }

  static Rotation of(JsonNode j) {
    return new Rotation(
        j.path("eventId").asText(),
        j.path("node").asText(),
        j.path("group").asText(),
        j.path("path").asText(),
        j.path("trigger").asText(),
        Instant.parse(j.path("startedAt").asText()),
        Instant.parse(j.path("finishedAt").asText()),
        j.path("result").asText(),
        j.path("reason").isNull() ? null : j.path("reason").asText(null),
        j.path("lockBackend").asText(),
        j.path("fencingToken").asLong());
  }
}
