package io.fleetrotate.coordinator.fleet;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal strings (groups, versions, mount points, file paths) between nodes: across a fleet
 * they repeat, and one copy each keeps per-node memory small. Bounded, so that a sender inventing
 * paths cannot grow it without limit: once full, strings are kept as they come.
 */
final class Interner {
  private static final int MAX_ENTRIES = 200_000;
  private final ConcurrentHashMap<String, String> pool = new ConcurrentHashMap<>();

  String intern(String s) {
    if (s == null) {
      return null;
    }
    String shared = pool.get(s);
    if (shared != null) {
      return shared;
    }
    if (pool.size() >= MAX_ENTRIES) {
      return s;
    }
    shared = pool.putIfAbsent(s, s);
    return shared == null ? s : shared;
  }
}
