package io.fleetrotate.proto;

import java.util.UUID;

/**
 * An instruction from the coordinator, carried on a heartbeat reply.
 *
 * @param commandId identifies the command, so an agent can ignore one it has already carried out
 * @param type what to do
 * @param path the watched file it applies to, or null for every watched file
 */
public record Command(UUID commandId, CommandType type, String path) {
  public Command {
    Rules.required("commandId", commandId);
    Rules.required("type", type);
    Rules.optionalText("path", path, WireLimits.MAX_PATH_LENGTH);
  }

  /** True if the command applies to every watched file rather than one. */
  public boolean appliesToAllFiles() {
    return path == null;
  }
}
