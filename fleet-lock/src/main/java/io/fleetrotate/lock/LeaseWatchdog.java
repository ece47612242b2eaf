package io.fleetrotate.lock;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a backend's grants alive while their holders work: renews each at {@code ttl / 3}, retries
 * a renewal the service did not answer, and declares the lease lost once it could not be renewed
 * before its deadline — or at once when the service says it is held by someone else.
 *
 * <p>The deadline is counted from when the grant (or the last successful renewal) was requested,
 * minus a safety margin of {@code ttl / 10}, on this process's monotonic clock. A holder that was
 * paused (GC, SIGSTOP) past its deadline therefore finds its lease lost on the next {@link
 * Lease#checkValid()}, before the watchdog thread has had a chance to run: no destructive step is
 * taken under a grant the service may already have given away.
 *
 * <p>{@link #close()} gives back every lease still open, which then counts as lost: the {@link
 * FleetLock} contract's "close gives leases back", the same for every backend that uses a watchdog.
 */
public final class LeaseWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseWatchdog.class);

  private final Duration ttl;
  private final long ttlNanos;
  private final long marginNanos;
  private final long renewEveryNanos;
  private final long retryEveryNanos;
  private final Ticker ticker;
  private final ScheduledExecutorService scheduler;
  private final Set<WatchedLease> open = ConcurrentHashMap.newKeySet();

  /**
   * @param ticker the backend's time source; the {@code requestedAtNanos} given to {@link #watch}
   *     are read from it
   */
  public LeaseWatchdog(Duration ttl, Ticker ticker) {
    if (ttl.toMillis() < 30) {
      throw new IllegalArgumentException("a lease TTL must be at least 30ms, not " + ttl);
    }
    this.ttl = ttl;
    this.ttlNanos = ttl.toNanos();
    this.marginNanos = ttlNanos / 10;
    this.renewEveryNanos = ttlNanos / 3;
    this.retryEveryNanos = Math.min(ttlNanos / 10, TimeUnit.SECONDS.toNanos(1));
    this.ticker = ticker;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleetrotate-lease-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * Wraps a fresh grant and starts renewing it.
   *
   * @param requestedAtNanos the ticker's time when the grant was requested: its TTL on the service
   *     started no earlier
   */
  public Lease watch(LeaseHandle handle, long requestedAtNanos) {
    WatchedLease lease = new WatchedLease(handle, requestedAtNanos + ttlNanos - marginNanos);
    open.add(lease);
    lease.schedule(renewEveryNanos);
    return lease;
  }

  /** Stops renewing, and gives back every lease still open; their holders find them lost. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    for (WatchedLease lease : open) {
      lease.lose("the lock client was closed");
      lease.close();
    }
  }

  /** Stops renewing and forgets the leases without giving them back: what SIGKILL does. */
  public void crash() {
    scheduler.shutdownNow();
    open.clear();
  }

  private final class WatchedLease implements Lease {
    private final LeaseHandle handle;
    private volatile long deadlineNanos;
    private volatile String lostBecause;
    private volatile boolean closed;
    private ScheduledFuture<?> next;

    WatchedLease(LeaseHandle handle, long deadlineNanos) {
      this.handle = handle;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public String group() {
      return handle.group();
    }

    @Override
    public long fencingToken() {
      return handle.fencingToken();
    }

    @Override
    public void checkValid() throws LeaseLostException {
      String why = lostBecause;
      if (why == null && ticker.read() - deadlineNanos > 0) {
        why = lose("it was not renewed within its TTL of " + ttl);
      }
      if (why != null) {
        throw new LeaseLostException(
            "the lease of group "
                + handle.group()
                + " (token "
                + fencingToken()
                + ") was lost: "
                + why);
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      open.remove(this);
      if (next != null) {
        next.cancel(false);
      }
      // Release is owner-checked on the service, so it is safe even for a lease lost here.
      handle.release();
    }

    private synchronized void schedule(long delayNanos) {
      if (!closed && lostBecause == null && !scheduler.isShutdown()) {
        try {
          next = scheduler.schedule(this::renew, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
          lose("the lock client was closed");
        }
      }
    }

    private void renew() {
      if (closed || lostBecause != null) {
        return;
      }
      long sent = ticker.read();
      if (sent - deadlineNanos > 0) {
        lose("it was not renewed within its TTL of " + ttl);
        return;
      }
      try {
        if (handle.renew(ttl)) {
          deadlineNanos = sent + ttlNanos - marginNanos;
          schedule(renewEveryNanos);
        } else {
          lose("the lock service says another holder has it (it expired or was revoked)");
        }
      } catch (LockUnavailableException | RuntimeException e) {
        log.warn(
            "cannot renew the lease of group {} (token {}): {}; retrying",
            handle.group(),
            handle.fencingToken(),
            e.getMessage());
        schedule(retryEveryNanos);
      }
    }

    private String lose(String why) {
      if (lostBecause == null) {
        lostBecause = why;
        if (!closed) {
          log.warn(
              "lost the lease of group {} (token {}): {}", handle.group(), fencingToken(), why);
        }
      }
      return lostBecause;
    }
  }
}
