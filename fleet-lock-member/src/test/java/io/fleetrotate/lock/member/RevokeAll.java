package io.fleetrotate.lock.member;

import com.hazelcast.config.Config;

/**
 * Drops every grant of the entry's group, keeping its fencing counter and queue: an operator's
 * revoke, for tests. The holders learn at their next renewal, which is refused. Not in the
 * production jar, so members configured by {@link LeaseMaps} refuse it unless a test lets it
 * through with {@link #allowOn}.
 */
public final class RevokeAll extends LeaseProcessor<Integer> {
  private static final long serialVersionUID = 1L;

  @Override
  Integer apply(LeaseTable table, long nowMillis) {
    return table.revokeAll();
  }

  /** Adds this class to the serialization filter {@link LeaseMaps#configure} set on a member. */
  public static Config allowOn(Config config) {
    config
        .getSerializationConfig()
        .getJavaSerializationFilterConfig()
        .getWhitelist()
        .addClasses(RevokeAll.class.getName());
    return config;
  }
}
