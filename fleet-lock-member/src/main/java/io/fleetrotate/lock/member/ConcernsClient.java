package io.fleetrotate.lock.member;

import com.hazelcast.query.Predicate;
import java.util.Map;

/**
 * The filter of one lock client's listener of the whole lease map, run on the member for each
 * change of any group's table: only the changes that one of the client's own owner ids may act on
 * are sent to it. Without it every write (an arrival, a renewal, a release) went to every client,
 * and a grant reached its waiter after a fan-out to all the others.
 *
 * <p>A change concerns the client when the table is gone or unknown, lists a holder whose owner id
 * starts with the client's {@code ownerPrefix} (a grant a release made for one of its waiters), or
 * has a free place while one of its owner ids waits there. A waiter the table dropped finds out at
 * its next poll.
 *
 * @param ownerPrefix the prefix of every owner id the client sends
 * @param maxConcurrent how many holders the client's groups admit at once
 */
public record ConcernsClient(String ownerPrefix, int maxConcurrent)
    implements Predicate<String, LeaseTable> {
  private static final long serialVersionUID = 1L;

  @Override
  public boolean apply(Map.Entry<String, LeaseTable> entry) {
    LeaseTable table = entry.getValue();
    if (table == null) {
      return true;
    }
    return mentions(table.holders())
        || (table.holders().size() < maxConcurrent && mentions(table.waiters()));
  }

  private boolean mentions(Map<String, ?> owners) {
    for (String owner : owners.keySet()) {
      if (owner.startsWith(ownerPrefix)) {
        return true;
      }
    }
    return false;
  }
}
