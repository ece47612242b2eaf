package io.fleetrotate.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The node agent's whole configuration, read once from {@code agent.yaml} by {@link ConfigLoader}
 * and valid by construction: every default is applied and every value checked.
 *
 * @param source the file it was read from
 * @param node who this agent is and its default rotation group
 * @param coordinator where to report; empty when the agent runs standalone
 * @param lock the fleet lock the agent takes before each rotation
 * @param checkInterval how often every watched file is checked (default 30s, at least 1s)
 * @param stateDir journal, fence records and outbox (default {@code /var/lib/fleetrotate})
 * @param http the agent's own /health and /metrics endpoint
 * @param files the watched files, at least one, in the order written
 */
public record AgentConfig(
    Path source,
    NodeConfig node,
    Optional<CoordinatorConfig> coordinator,
    LockConfig lock,
    Duration checkInterval,
    Path stateDir,
    HttpConfig http,
    List<FileConfig> files) {
  public AgentConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(coordinator, "coordinator");
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(http, "http");
    files = List.copyOf(files);
  }
}
