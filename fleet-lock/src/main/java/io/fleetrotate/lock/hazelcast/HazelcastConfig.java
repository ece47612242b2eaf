package io.fleetrotate.lock.hazelcast;

import java.util.List;
import java.util.Objects;

/**
 * {@code lock.hazelcast}: the agent joins as a Hazelcast client.
 *
 * @param members at least one {@code host:port} (or {@code host}, for Hazelcast's default ports)
 * @param clusterName the cluster to join (default {@code fleetrotate})
 */
public record HazelcastConfig(List<String> members, String clusterName) {
  public HazelcastConfig {
    members = List.copyOf(members);
    Objects.requireNonNull(clusterName, "clusterName");
  }
}
