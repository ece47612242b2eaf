package io.fleetrotate.lock.member;

import java.io.Serializable;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lease state of one rotation group as the Hazelcast lock service keeps it: the current holders
 * (each with its fencing token and expiry), the queue of waiters, and the group's fencing counter.
 *
 * <p>One table is the value of one entry of {@link LeaseMaps#LEASES}, changed only by the lease
 * EntryProcessors on the entry's partition owner, so each change is atomic. Every time is a
 * millisecond on that member's clock, passed in explicitly so the rules are tested without a
 * cluster. The entry is never removed: it carries the fencing counter, which must not restart.
 *
 * <p>Not thread-safe; a processor works on its own {@link #copy()}.
 */
public final class LeaseTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Serve order: lower score first, then earlier arrival, then owner id (a stable tie-break). */
  private static final Comparator<Map.Entry<String, Waiter>> SERVE_ORDER =
      Comparator.<Map.Entry<String, Waiter>>comparingLong(e -> e.getValue().score())
          .thenComparingLong(e -> e.getValue().arrivalMillis())
          .thenComparing(Map.Entry::getKey);

  private long fence;
  private long version;
  // Written by writeObject as plain fields: an entry event carries the table to every listening
  // client, and Java serialization of the maps and records costs several times more.
  private transient LinkedHashMap<String, Holder> holders = new LinkedHashMap<>();
  private transient LinkedHashMap<String, Waiter> waiters = new LinkedHashMap<>();

  /**
   * A current grant.
   *
   * @param token its fencing token
   * @param expiresAtMillis when it lapses unless renewed
   */
  public record Holder(long token, long expiresAtMillis) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A queued request.
   *
   * @param score its place (see {@link #score}); lower is served first
   * @param arrivalMillis when it first asked
   * @param expiresAtMillis when it is dropped unless it asks again (its client died)
   * @param ttlMillis how long its grant lasts unless renewed, for a release that grants it (0 from
   *     a client that predates hand-off on release: only its own ask grants it)
   */
  public record Waiter(long score, long arrivalMillis, long expiresAtMillis, long ttlMillis)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  public LeaseTable() {}

  /** An independent copy. */
  public LeaseTable copy() {
    LeaseTable c = new LeaseTable();
    c.fence = fence;
    c.version = version;
    c.holders.putAll(holders);
    c.waiters.putAll(waiters);
    return c;
  }

  /**
   * How many times the table was written: each change a processor writes counts one. Not part of
   * {@link #equals}: two tables with the same grants, queue and counter are the same state.
   */
  public long version() {
    return version;
  }

  /** Counts one more write. */
  void nextVersion() {
    version++;
  }

  /** The last fencing token granted (0 before the first grant). */
  public long fence() {
    return fence;
  }

  /** Owner id to grant, in grant order. */
  public Map<String, Holder> holders() {
    return java.util.Collections.unmodifiableMap(holders);
  }

  /** Owner id to queued request, in arrival order. */
  public Map<String, Waiter> waiters() {
    return java.util.Collections.unmodifiableMap(waiters);
  }

  /** True when the table holds nothing worth storing: no grant, no waiter, no token issued. */
  public boolean isEmpty() {
    return fence == 0 && holders.isEmpty() && waiters.isEmpty();
  }

  /**
   * The queue position of a waiter: its arrival moved earlier by {@code priority x boostMillis},
   * rounded half up to a millisecond; lower is served first. The one Java statement of the fleet
   * lock's queue order (the client's {@code QueueOrder} calls it), run here because arrival times
   * come from the member's clock. {@code score} in the Redis backend's {@code redis-common.lua} is
   * the second implementation; a test in fleet-lock compares the two on a real redis-server.
   */
  public static long score(long arrivalMillis, double priority, long boostMillis) {
    return arrivalMillis - Math.round(clampPriority(priority) * boostMillis);
  }

  /** Clamps a priority to [0, 1]; NaN counts as 0. */
  public static double clampPriority(double priority) {
    if (!(priority > 0)) {
      return 0;
    }
    return Math.min(priority, 1);
  }

  /**
   * Queues the request (once) and grants it if it is among the first {@code free} waiters.
   *
   * <p>Idempotent for one owner id: asking again after a grant returns the same token, so a client
   * may retry a call whose answer it lost, or learn a grant a release made while it waited.
   */
  public AcquireOutcome tryAcquire(AcquireRequest r, long now) {
    purgeExpired(now);
    Holder mine = holders.get(r.owner());
    if (mine != null) {
      return AcquireOutcome.granted(mine.token());
    }
    fence = Math.max(fence, r.fenceFloor());
    Waiter w = waiters.get(r.owner());
    if (w == null) {
      w =
          new Waiter(
              score(now, r.priority(), r.boostMillis()),
              now,
              now + r.waiterTtlMillis(),
              r.ttlMillis());
      waiters.put(r.owner(), w);
    } else if (w.expiresAtMillis() - now < r.waiterTtlMillis() / 2) {
      // Refreshed only past half its life: every write wakes all waiters of the group.
      w = new Waiter(w.score(), w.arrivalMillis(), now + r.waiterTtlMillis(), w.ttlMillis());
      waiters.put(r.owner(), w);
    }
    int free = r.maxConcurrent() - holders.size();
    Map.Entry<String, Waiter> self = Map.entry(r.owner(), w);
    long ahead = waiters.entrySet().stream().filter(e -> SERVE_ORDER.compare(e, self) < 0).count();
    if (ahead < free) {
      waiters.remove(r.owner());
      fence++;
      holders.put(r.owner(), new Holder(fence, now + r.ttlMillis()));
      return AcquireOutcome.granted(fence);
    }
    long nextChange;
    if (free <= 0) {
      nextChange =
          holders.values().stream().mapToLong(Holder::expiresAtMillis).min().orElse(now + 1);
    } else {
      // Slots are free but others come first: they take them, or they expire.
      nextChange =
          waiters.entrySet().stream()
              .filter(e -> SERVE_ORDER.compare(e, self) < 0)
              .mapToLong(e -> e.getValue().expiresAtMillis())
              .min()
              .orElse(now + 1);
    }
    return AcquireOutcome.waiting(Math.max(1, nextChange - now), (int) ahead);
  }

  /**
   * Extends the grant of {@code owner} to {@code ttlMillis} from now.
   *
   * @return false when {@code owner} holds no grant (it expired, was released or revoked)
   */
  public boolean renew(String owner, long ttlMillis, long now) {
    purgeExpired(now);
    Holder h = holders.get(owner);
    if (h == null) {
      return false;
    }
    holders.put(owner, new Holder(h.token(), now + ttlMillis));
    return true;
  }

  /**
   * Drops the grant and the queued request of {@code owner}, whichever exist; waiters take the free
   * place by asking.
   *
   * @return true when {@code owner} held a grant
   */
  public boolean release(String owner, long now) {
    return release(owner, now, 0);
  }

  /**
   * {@link #release(String, long)}, then hands the free places to the first waiters in serve order:
   * the hand-off costs the releaser's call and one entry event, which carries this table and so
   * tells each granted waiter without another round trip.
   *
   * @param maxConcurrent the group's places
   * @return true when {@code owner} held a grant
   */
  public boolean release(String owner, long now, int maxConcurrent) {
    boolean held = holders.remove(owner) != null;
    waiters.remove(owner);
    purgeExpired(now);
    int free = maxConcurrent - holders.size();
    if (free > 0 && !waiters.isEmpty()) {
      List<Map.Entry<String, Waiter>> first =
          waiters.entrySet().stream().sorted(SERVE_ORDER).limit(free).toList();
      for (Map.Entry<String, Waiter> e : first) {
        if (e.getValue().ttlMillis() <= 0) {
          break; // served in order or not at all: this one must ask for itself
        }
        waiters.remove(e.getKey());
        fence++;
        holders.put(e.getKey(), new Holder(fence, now + e.getValue().ttlMillis()));
      }
    }
    return held;
  }

  /**
   * Drops every grant (an operator's revoke, or a test of a lost lease); the counter and the queue
   * stay.
   *
   * @return how many grants were dropped
   */
  public int revokeAll() {
    int n = holders.size();
    holders.clear();
    return n;
  }

  /**
   * Raises the counter to at least {@code floor}, so the next token exceeds every token some client
   * saw, e.g. after a split-brain merge kept the side with the lower counter.
   *
   * @return the counter after raising
   */
  public long raiseFence(long floor) {
    fence = Math.max(fence, floor);
    return fence;
  }

  /**
   * Joins the tables of two sides of a healed split brain: the higher counter, and every grant and
   * waiter of either side (a grant made on either side is real: its holder may be rotating), each
   * with its later expiry. The group is over-granted until the extra grants end, so nobody new is
   * granted meanwhile.
   */
  public static LeaseTable merge(LeaseTable a, LeaseTable b) {
    LeaseTable m = a.copy();
    m.fence = Math.max(a.fence, b.fence);
    m.version = Math.max(a.version, b.version);
    b.holders.forEach(
        (owner, h) ->
            m.holders.merge(
                owner, h, (x, y) -> x.expiresAtMillis() >= y.expiresAtMillis() ? x : y));
    b.waiters.forEach(
        (owner, w) ->
            m.waiters.merge(
                owner, w, (x, y) -> x.expiresAtMillis() >= y.expiresAtMillis() ? x : y));
    return m;
  }

  private void purgeExpired(long now) {
    holders.values().removeIf(h -> h.expiresAtMillis() <= now);
    waiters.values().removeIf(w -> w.expiresAtMillis() <= now);
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    out.writeInt(holders.size());
    for (Map.Entry<String, Holder> e : holders.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue().token());
      out.writeLong(e.getValue().expiresAtMillis());
    }
    out.writeInt(waiters.size());
    for (Map.Entry<String, Waiter> e : waiters.entrySet()) {
      Waiter w = e.getValue();
      out.writeUTF(e.getKey());
      out.writeLong(w.score());
      out.writeLong(w.arrivalMillis());
      out.writeLong(w.expiresAtMillis());
      out.writeLong(w.ttlMillis());
    }
  }

  private void readObject(java.io.ObjectInputStream in)
      throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    holders = new LinkedHashMap<>();
    waiters = new LinkedHashMap<>();
    int holderCount = in.readInt();
    for (int i = 0; i < holderCount; i++) {
      holders.put(in.readUTF(), new Holder(in.readLong(), in.readLong()));
    }
    int waiterCount = in.readInt();
    for (int i = 0; i < waiterCount; i++) {
      waiters.put(
          in.readUTF(), new Waiter(in.readLong(), in.readLong(), in.readLong(), in.readLong()));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseTable t
        && fence == t.fence
        && holders.equals(t.holders)
        && waiters.equals(t.waiters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fence, holders, waiters);
  }

  @Override
  public String toString() {
    return "LeaseTable{fence=" + fence + ", holders=" + holders + ", waiters=" + waiters + "}";
  }
}
