package io.fleetrotate.coordinator.fleet;

/** A node already has as many pending commands as it may; it gets them at its next heartbeat. */
public final class TooManyCommandsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TooManyCommandsException(String nodeId, int max) {
    super(
        "node "
            + nodeId
            + " already has "
            + max
            + " pending commands; wait for its next heartbeat to collect them",
        null,
        false,
        false);
  }
}
