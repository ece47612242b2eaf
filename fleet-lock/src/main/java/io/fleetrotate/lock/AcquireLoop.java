package io.fleetrotate.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one wait for a lease, shared by every backend over its {@link AcquireDriver}: ask; if
 * granted, done; else sleep until the service signals a change or the driver's poll interval passes
 * (wake-or-poll), and ask again; at the deadline, a {@link LockTimeoutException}; on any exit
 * without a lease, leave the queue.
 *
 * <p>An ask the service does not answer:
 *
 * <ul>
 *   <li>on the first ask of the call, is thrown at once: the service is down, and the caller's
 *       outage handling takes over;
 *   <li>once the waiter is queued, is asked again every 100 ms (sooner when the driver is woken,
 *       e.g. by a reconnection) for up to the {@linkplain FleetLock#OUTAGE_BUDGET outage budget},
 *       so that a waiter rides out a restart or a failover (its place in the queue: see {@link
 *       FleetLock}); past the budget, the last failure is thrown;
 *   <li>when the deadline passes during an outage, the failure is thrown, unless only the last ask
 *       went unanswered: then it is a {@link LockTimeoutException};
 *   <li>a {@link LockRefusedException} or a {@link LockClosedException} is thrown at once.
 * </ul>
 */
public final class AcquireLoop {
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** An ask is given at least this long for its answer even when the deadline is nearer. */
  private static final long MIN_ANSWER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Longer timeouts are cut to a year, which keeps deadline arithmetic clear of overflow. */
  private static final long MAX_WAIT_NANOS = TimeUnit.DAYS.toNanos(365);

  private final Ticker ticker;
  private final long outageBudgetNanos;

  public AcquireLoop(Ticker ticker) {
    this(ticker, FleetLock.OUTAGE_BUDGET);
  }

  /**
   * With another outage budget than {@link FleetLock#OUTAGE_BUDGET}: for tests that pin the budget
   * against a real service without waiting 15 s.
   */
  public AcquireLoop(Ticker ticker, Duration outageBudget) {
    this.ticker = ticker;
    this.outageBudgetNanos = outageBudget.toNanos();
  }

  /** The time source the loop and the backend's leases share. */
  public Ticker ticker() {
    return ticker;
  }

  /** Waits for a lease of {@code group} through {@code driver}, within {@code timeout}. */
  public Lease acquire(String group, Duration timeout, AcquireDriver driver)
      throws LockUnavailableException, LockTimeoutException, InterruptedException {
    long deadline = ticker.read() + budget(timeout);
    boolean queued = false;
    long outageSince = 0;
    boolean outage = false;
    Lease lease = null;
    try {
      while (true) {
        long sleep;
        boolean lastAskAnswered = !outage;
        try {
          long sent = ticker.read();
          AcquireDriver.Answer answer = driver.ask(Math.max(deadline - sent, MIN_ANSWER_NANOS));
          outage = false;
          if (answer.lease() != null) {
            lease = answer.lease();
            return lease;
          }
          queued = true;
          long now = ticker.read();
          if (now - deadline >= 0) {
            lease = driver.await(0); // granted as time ran out
            if (lease != null) {
              return lease;
            }
            throw timedOut(group, timeout, driver, null);
          }
          sleep = Math.min(answer.retryWithinNanos(), deadline - now);
        } catch (LockUnavailableException failure) {
          long now = ticker.read();
          if (!outage) {
            outage = true;
            outageSince = now;
          }
          if (!queued
              || failure instanceof LockRefusedException
              || failure instanceof LockClosedException
              || now - outageSince > outageBudgetNanos) {
            throw failure;
          }
          if (now - deadline >= 0) {
            if (lastAskAnswered) {
              throw timedOut(group, timeout, driver, failure);
            }
            throw failure;
          }
          sleep = Math.min(RETRY_NANOS, deadline - now);
        }
        lease = driver.await(sleep);
        if (lease != null) {
          return lease;
        }
      }
    } finally {
      if (lease == null) {
        driver.leave();
      }
    }
  }

  private static LockTimeoutException timedOut(
      String group, Duration timeout, AcquireDriver driver, Throwable cause) {
    return new LockTimeoutException(
        "no lease of group " + group + " within " + timeout + " (" + driver.describe() + ")",
        cause);
  }

  private static long budget(Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) > 0
        ? MAX_WAIT_NANOS
        : timeout.toNanos();
  }
}
