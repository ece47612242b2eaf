package io.fleetrotate.agent.lock;

/**
 * The keys and the channel of one rotation group. All share the hash tag {@code {<group>}}, so a
 * Redis Cluster keeps them in one slot and a script may touch them all.
 *
 * @param keys in the order the scripts expect: holders, grants, queue, waiting, fence
 * @param channel where a release names the waiters it granted
 */
record RedisKeys(String group, String[] keys, String channel) {
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
        },
        base + "released");
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
