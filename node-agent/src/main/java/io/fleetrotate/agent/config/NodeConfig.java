package io.fleetrotate.agent.config;

import java.util.Objects;

/**
 * This agent's identity ({@code node}).
 *
 * @param id unique in the fleet; defaults to the host name
 * @param group the rotation group of files that name none (default {@code default}); agents with
 *     the same group take turns
 */
public record NodeConfig(String id, String group) {
  public NodeConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(group, "group");
  }
}
