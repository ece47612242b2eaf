package io.fleetrotate.chaos.fleet;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code lock} section of an agent's configuration.
 *
 * @param backend local, redis or hazelcast
 * @param hazelcastMembers host:port of each member (hazelcast)
 * @param redisUri the Redis URI (redis)
 * @param lease the lease TTL
 */
public record LockSpec(
    String backend, List<String> hazelcastMembers, String redisUri, Duration lease) {

  /** A file lock under the agent's own state directory: no coordination between agents. */
  public static LockSpec local() {
    return new LockSpec("local", List.of(), null, Duration.ofSeconds(15));
  }

  /** The coordinators' embedded Hazelcast members. */
  public static LockSpec hazelcast(List<CoordinatorNode> members) {
    return new LockSpec(
        "hazelcast",
        members.stream().map(CoordinatorNode::hazelcastAddress).toList(),
        null,
        Duration.ofSeconds(15));
  }

  public static LockSpec redis(RedisNode redis) {
    return new LockSpec("redis", List.of(), redis.uri(), Duration.ofSeconds(15));
  }

  public LockSpec lease(Duration ttl) {
    return new LockSpec(backend, hazelcastMembers, redisUri, ttl);
  }

  String yaml() {
    String common =
        "lease: " + AgentSpec.duration(lease) + ", maxConcurrent: 1, acquireTimeout: 2m";
    return switch (backend) {
      case "hazelcast" ->
          "{ backend: hazelcast, hazelcast: { members: ["
              + hazelcastMembers.stream()
                  .map(m -> "\"" + m + "\"")
                  .collect(Collectors.joining(", "))
              + "] }, "
              + common
              + " }";
      case "redis" -> "{ backend: redis, redis: { uri: \"" + redisUri + "\" }, " + common + " }";
      default -> "{ backend: local, " + common + " }";
    };
  }
}
