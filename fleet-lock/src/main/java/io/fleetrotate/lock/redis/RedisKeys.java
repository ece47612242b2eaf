package io.fleetrotate.lock.redis;

/**
 * The keys of one rotation group. All share the hash tag {@code {<group>}}, so a Redis Cluster
 * keeps them in one slot and a script may touch them all.
 *
 * @param keys in the order the scripts expect: holders, grants, queue, waiting, fence
 */
record RedisKeys(String group, String[] keys) {
  static final String PREFIX = "fleetrotate:";

  static RedisKeys of(String group) {
    if (group.isEmpty() || group.indexOf('{') >= 0 || group.indexOf('}') >= 0) {
      // A brace would end the hash tag early and scatter the group's keys across slots.
      throw new IllegalArgumentException(
          "a rotation group name must be non-empty and without braces: '" + group + "'");
    }
    String base = PREFIX + "{" + group + "}:";
    return new RedisKeys(
        group,
        new String[] {
          base + "holders", base + "grants", base + "queue", base + "waiting", base + "fence"
        });
  }

  /** Where a script tells the client {@code clientId} that it granted one of its waiters. */
  static String grantedChannel(String clientId) {
    return PREFIX + "granted:" + clientId;
  }

  String holders() {
    return keys[0];
  }

  String grants() {
    return keys[1];
  }

  String fence() {
    return keys[4];
  }
}
