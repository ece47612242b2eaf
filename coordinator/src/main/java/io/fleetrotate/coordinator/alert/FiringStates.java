package io.fleetrotate.coordinator.alert;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the firing alerts are held: in this coordinator ({@link #local()}), or in the cluster, one
 * state per alert for every member. Every change is a compare-and-set against the state read
 * before, and a notice is sent only by the caller whose change won: two members that see the same
 * change (a leader and its successor, say) send it once.
 */
public interface FiringStates {

  /** Every firing alert, by key. */
  Map<AlertKey, Firing> all();

  /** Records a new firing alert; false if one with its key is held already. */
  boolean fire(Firing firing);

  /**
   * Replaces {@code held} by {@code next} (same key); false if the state is no longer {@code held}.
   */
  boolean replace(Firing held, Firing next);

  /** Removes {@code held}; false if the state is no longer {@code held}. */
  boolean resolve(Firing held);

  /** States held by this coordinator alone. */
  static FiringStates local() {
    Map<AlertKey, Firing> map = new ConcurrentHashMap<>();
    return new FiringStates() {
      @Override
      public Map<AlertKey, Firing> all() {
        return Map.copyOf(map);
      }

      @Override
      public boolean fire(Firing firing) {
        return map.putIfAbsent(firing.alert().key(), firing) == null;
      }

      @Override
      public boolean replace(Firing held, Firing next) {
        return map.replace(held.alert().key(), held, next);
      }

      @Override
      public boolean resolve(Firing held) {
        return map.remove(held.alert().key(), held);
      }
    };
  }
}
