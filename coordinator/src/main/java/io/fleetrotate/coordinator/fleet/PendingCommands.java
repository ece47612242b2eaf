package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Command;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where rotate-now commands wait for their node's next heartbeat: this coordinator's memory
 * (alone), or a map the cluster shares, so that whichever coordinator the node reaches hands them
 * over, once.
 */
public interface PendingCommands {
  /**
   * Adds {@code command} unless the node already has {@code max} pending. May wait for the cluster:
   * call it off the event loop.
   *
   * @return false (and nothing added) if the node has {@code max} pending
   */
  boolean offer(String nodeId, Command command, int max);

  /**
   * Takes every pending command of the node, oldest first; no later call gets them again. Never
   * blocks: with a cluster the stage completes when the map answers.
   */
  CompletionStage<List<Command>> take(String nodeId);

  /** How many commands the node has pending. May wait for the cluster: off the event loop. */
  int count(String nodeId);
}
