package io.fleetrotate.lock;

/**
 * Which lock service a {@link FleetLock} talks to; {@link #wireName} is how configurations name it.
 */
public enum LockBackend {
  /** A file lock in the state directory: replicas on one host, no service needed. */
  LOCAL("local"),
  REDIS("redis"),
  HAZELCAST("hazelcast");

  private final String wireName;

  LockBackend(String wireName) {
    this.wireName = wireName;
  }

  /** As written in the configuration. */
  public String wireName() {
    return wireName;
  }
}
