package io.fleetrotate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The semantics every {@link FleetLock} backend must meet, run against each of them: a subclass
 * says how to open an independent client of one shared lock service (as separate agents would), how
 * to make a client die without releasing, and how to take the real service away and bring it back
 * (the outage budget).
 *
 * <p>Every test uses its own group, so backends need not be emptied between tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class FleetLockContract {

  /** The lease TTL the tests ask for: short, so expiry is observable in seconds. */
  protected static final Duration TTL = Duration.ofSeconds(2);

  /**
   * The outage budget of every client the tests open ({@link #loop()}): shorter than {@link
   * FleetLock#OUTAGE_BUDGET}, so that spending it takes seconds, and long enough for a restarted
   * service and its reconnecting clients.
   */
  protected static final Duration OUTAGE_BUDGET = Duration.ofSeconds(10);

  private final List<FleetLock> clients = new CopyOnWriteArrayList<>();
  private ExecutorService pool;
  protected String group;

  /** A new client of the shared lock service, as a separate agent would open it. */
  protected abstract FleetLock open(int maxConcurrent, Duration ttl, QueueOrder order)
      throws Exception;

  /**
   * Makes {@code client} die as with SIGKILL: no release, no more renewals, its connections to the
   * service dropped.
   */
  protected abstract void crash(FleetLock client) throws Exception;

  /**
   * Takes the real lock service away from every client (kills or freezes the server, shuts the
   * members down, unmounts the directory); returns once it is gone.
   */
  protected abstract void interruptService() throws Exception;

  /** Brings the service back after {@link #interruptService()}; returns once it answers again. */
  protected abstract void restoreService() throws Exception;

  /** The longest one ask of this backend waits for an answer before it counts as unanswered. */
  protected abstract Duration askBound();

  /**
   * How long after {@link #interruptService()} a queued waiter notices the outage: at once when the
   * service refuses connections (the default); after {@link #askBound()} when it is frozen.
   */
  protected Duration outageNoticedWithin() {
    return Duration.ZERO;
  }

  /**
   * The acquire loop for {@link #open}: the system ticker and the tests' {@link #OUTAGE_BUDGET}.
   */
  protected static AcquireLoop loop() {
    return new AcquireLoop(Ticker.SYSTEM, OUTAGE_BUDGET);
  }

  /** How long after a holder's death its lease is granted again, at most. */
  protected Duration deadHolderReplacedWithin() {
    return TTL.plusSeconds(1);
  }

  @BeforeEach
  void setUpContract() {
    group = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDownContract() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    for (FleetLock c : clients) {
      c.close();
    }
  }

  protected FleetLock client() throws Exception {
    return client(1, QueueOrder.defaults());
  }

  protected FleetLock client(int maxConcurrent, QueueOrder order) throws Exception {
    FleetLock c = open(maxConcurrent, TTL, order);
    clients.add(c);
    return c;
  }

  @Test
  void grantsCarryStrictlyIncreasingFencingTokens() throws Exception {
    FleetLock a = client();
    FleetLock b = client();
    long last = 0;
    for (int i = 0; i < 10; i++) {
      FleetLock c = i % 2 == 0 ? a : b;
      try (Lease lease = c.acquire(group, 0.5, Duration.ofSeconds(5))) {
        assertThat(lease.group()).isEqualTo(group);
        assertThat(lease.fencingToken()).isGreaterThan(last);
        lease.checkValid();
        last = lease.fencingToken();
      }
    }
  }

  @Test
  void aSecondClientWaitsAndTimesOutWhileTheLeaseIsHeld() throws Exception {
    FleetLock a = client();
    FleetLock b = client();
    try (Lease held = a.acquire(group, 0.5, Duration.ofSeconds(5))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> b.acquire(group, 1.0, Duration.ofMillis(700)))
          .isInstanceOf(LockTimeoutException.class)
          .hasMessageContaining(group);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(650), Duration.ofSeconds(5));
      held.checkValid();
    }
  }

  @Test
  void otherGroupsAreIndependent() throws Exception {
    FleetLock a = client();
    FleetLock b = client();
    try (Lease one = a.acquire(group, 0.5, Duration.ofSeconds(5));
        Lease other = b.acquire(group + "-other", 0.5, Duration.ofSeconds(5))) {
      one.checkValid();
      other.checkValid();
    }
  }

  @Test
  void aReleaseWakesTheWaiterPromptly() throws Exception {
    FleetLock a = client();
    FleetLock b = client();
    Lease held = a.acquire(group, 0.5, Duration.ofSeconds(5));
    Future<Long> waiter =
        pool.submit(
            () -> {
              try (Lease l = b.acquire(group, 0.5, Duration.ofSeconds(30))) {
                return System.nanoTime();
              }
            });
    Thread.sleep(300); // let the waiter block on the service
    long released = System.nanoTime();
    held.close();
    long granted = waiter.get(30, TimeUnit.SECONDS);
    // Far below any fallback poll: the waiter was woken by the release.
    assertThat(Duration.ofNanos(granted - released)).isLessThan(Duration.ofMillis(250));
  }

  @Test
  void maxConcurrentGrantsThatManyAtOnceAndNoMore() throws Exception {
    List<FleetLock> cs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      cs.add(client(3, QueueOrder.defaults()));
    }
    List<Lease> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(cs.get(i).acquire(group, 0.5, Duration.ofSeconds(5)));
    }
    assertThat(held.stream().mapToLong(Lease::fencingToken).distinct().count()).isEqualTo(3);
    assertThatThrownBy(() -> cs.get(3).acquire(group, 0.5, Duration.ofMillis(500)))
        .isInstanceOf(LockTimeoutException.class);
    held.remove(0).close();
    try (Lease fourth = cs.get(3).acquire(group, 0.5, Duration.ofSeconds(10))) {
      assertThat(fourth.fencingToken())
          .isGreaterThan(held.stream().mapToLong(Lease::fencingToken).max().orElseThrow());
    }
    held.forEach(Lease::close);
  }

  /** The heart of the product: 10 agents x 50 rotations, and no two holds of a group overlap. */
  @Test
  void holdsNeverOverlapUnderContention() throws Exception {
    int agents = 10;
    int rounds = 50;
    record Hold(long token, long start, long end) {}
    ConcurrentLinkedQueue<Hold> holds = new ConcurrentLinkedQueue<>();
    List<Future<?>> running = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      FleetLock c = client();
      double priority = a / (double) agents;
      running.add(
          pool.submit(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  try (Lease l = c.acquire(group, priority, Duration.ofSeconds(60))) {
                    long start = System.nanoTime();
                    l.checkValid();
                    busy(200_000);
                    l.checkValid();
                    holds.add(new Hold(l.fencingToken(), start, System.nanoTime()));
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get(100, TimeUnit.SECONDS);
    }
    List<Hold> byStart = new ArrayList<>(holds);
    byStart.sort(Comparator.comparingLong(Hold::start));
    assertThat(byStart).hasSize(agents * rounds);
    for (int i = 1; i < byStart.size(); i++) {
      Hold prev = byStart.get(i - 1);
      Hold cur = byStart.get(i);
      assertThat(cur.start())
          .as("hold with token %d started before token %d ended", cur.token(), prev.token())
          .isGreaterThan(prev.end());
      assertThat(cur.token())
          .as("tokens follow the order of the holds")
          .isGreaterThan(prev.token());
    }
  }

  @Test
  void theFullestDiskIsServedFirst() throws Exception {
    FleetLock holder = client();
    FleetLock emptyDisk = client();
    FleetLock fullDisk = client();
    List<String> served = new CopyOnWriteArrayList<>();
    Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5));
    Future<?> low = pool.submit(() -> takeAndNote(emptyDisk, 0.10, "empty", served));
    Thread.sleep(300); // the emptier disk arrives first
    Future<?> high = pool.submit(() -> takeAndNote(fullDisk, 0.95, "full", served));
    Thread.sleep(300);
    held.close();
    low.get(30, TimeUnit.SECONDS);
    high.get(30, TimeUnit.SECONDS);
    assertThat(served).containsExactly("full", "empty");
  }

  @Test
  void equalPrioritiesAreServedInArrivalOrder() throws Exception {
    FleetLock holder = client();
    List<String> served = new CopyOnWriteArrayList<>();
    Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5));
    List<Future<?>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FleetLock c = client();
      String name = "w" + i;
      waiters.add(pool.submit(() -> takeAndNote(c, 0.5, name, served)));
      Thread.sleep(200);
    }
    held.close();
    for (Future<?> w : waiters) {
      w.get(30, TimeUnit.SECONDS);
    }
    assertThat(served).containsExactly("w0", "w1", "w2");
  }

  /** A newcomer with a fuller disk may overtake, but only within the boost window. */
  @Test
  void aLowPriorityWaiterIsNotStarvedByFullerDisks() throws Exception {
    QueueOrder order = new QueueOrder(Duration.ofMillis(300));
    FleetLock low = client(1, order);
    List<FleetLock> fullOnes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      fullOnes.add(client(1, order));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    AtomicInteger fullHolds = new AtomicInteger();
    List<Future<?>> pressure = new ArrayList<>();
    for (FleetLock c : fullOnes) {
      pressure.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                  try (Lease l = c.acquire(group, 1.0, Duration.ofSeconds(30))) {
                    fullHolds.incrementAndGet();
                    Thread.sleep(50);
                  }
                }
                return null;
              }));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> fullHolds.get() >= 3);
    long start = System.nanoTime();
    try (Lease l = low.acquire(group, 0.0, Duration.ofSeconds(15))) {
      // Three competitors holding 50ms each cannot keep it out much longer than the window.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
    pressure.forEach(f -> f.cancel(true));
  }

  @Test
  void theLeaseOfADeadHolderIsGrantedAgain() throws Exception {
    FleetLock doomed = open(1, TTL, QueueOrder.defaults());
    FleetLock survivor = client();
    Lease held = doomed.acquire(group, 0.5, Duration.ofSeconds(5));
    long token = held.fencingToken();
    long died = System.nanoTime();
    crash(doomed);
    try (Lease next = survivor.acquire(group, 0.5, Duration.ofSeconds(30))) {
      assertThat(Duration.ofNanos(System.nanoTime() - died))
          .isLessThanOrEqualTo(deadHolderReplacedWithin());
      assertThat(next.fencingToken()).isGreaterThan(token);
    }
  }

  @Test
  void releasingTwiceAndClosingTheClientAreHarmless() throws Exception {
    FleetLock a = client();
    Lease l = a.acquire(group, 0.5, Duration.ofSeconds(5));
    l.close();
    l.close();
    try (Lease again = a.acquire(group, 0.5, Duration.ofSeconds(5))) {
      assertThat(again.fencingToken()).isGreaterThan(l.fencingToken());
    }
    assertThat(a.backendName()).isNotBlank();
  }

  @Test
  void closingTheClientGivesItsLeasesBackAndTheirHoldersFindThemLost() throws Exception {
    FleetLock a = client();
    FleetLock b = client();
    Lease held = a.acquire(group, 0.5, Duration.ofSeconds(5));
    a.close();
    assertThatThrownBy(held::checkValid).isInstanceOf(LeaseLostException.class);
    long closed = System.nanoTime();
    try (Lease next = b.acquire(group, 0.5, Duration.ofSeconds(5))) {
      assertThat(Duration.ofNanos(System.nanoTime() - closed))
          .as("given back on close, not expired by its TTL (%s)", TTL)
          .isLessThan(TTL.dividedBy(2));
      assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
    }
    held.close(); // harmless after the client's close
  }

  @Test
  void acquireAfterCloseThrowsLockClosedAnUnavailableKind() throws Exception {
    FleetLock a = client();
    a.close();
    a.close(); // closing twice does nothing
    assertThatThrownBy(() -> a.acquire(group, 0.5, Duration.ofSeconds(1)))
        .isInstanceOf(LockClosedException.class)
        .isInstanceOf(LockUnavailableException.class)
        .hasMessageContaining(a.backendName());
  }

  @Test
  void closingTheClientStopsAWaiterWithLockClosed() throws Exception {
    FleetLock a = client();
    FleetLock b = client();
    try (Lease held = a.acquire(group, 0.5, Duration.ofSeconds(5))) {
      Future<Lease> waiting = pool.submit(() -> b.acquire(group, 0.5, Duration.ofSeconds(30)));
      await().pollDelay(Duration.ofMillis(300)).until(() -> !waiting.isDone());
      b.close();
      assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(LockClosedException.class);
      assertThat(held.fencingToken()).isPositive();
    }
  }

  @Test
  void aQueuedWaiterRidesOutAnOutageShorterThanTheBudget() throws Exception {
    Queued q = queuedBehindAHolder(Duration.ofSeconds(60));
    Lease held = q.held();
    Future<Lease> waiting = q.waiting();
    Duration outage = outageNoticedWithin().plusSeconds(1);
    interruptService();
    long restored;
    try {
      // The outage itself: its length is what this test is about, not a wait for a condition.
      Thread.sleep(outage.toMillis());
      assertThat(waiting).as("a waiter neither served nor failed during an outage").isNotDone();
    } finally {
      restoreService();
      restored = System.nanoTime();
    }
    held.close(); // the place it gives up, unless the service lost it with its data
    try (Lease served = waiting.get(OUTAGE_BUDGET.toSeconds() + 10, TimeUnit.SECONDS)) {
      served.checkValid();
      assertThat(served.group()).isEqualTo(group);
      assertThat(Duration.ofNanos(System.nanoTime() - restored))
          .as("served once the service is back, within the budget")
          .isLessThan(OUTAGE_BUDGET);
    }
  }

  @Test
  void aQueuedWaiterGivesUpWithUnavailableOnceTheBudgetIsSpent() throws Exception {
    Queued q = queuedBehindAHolder(Duration.ofSeconds(90));
    Lease held = q.held();
    Future<Lease> waiting = q.waiting();
    // The first unanswered ask starts the budget; the last one may take an ask's bound to fail.
    Duration latest = OUTAGE_BUDGET.plus(askBound().multipliedBy(2)).plusMillis(1500);
    // Timed from the start of the interruption: a client may see the service fail while it is
    // still being stopped (Hazelcast members terminating), and the budget starts there.
    long down = System.nanoTime();
    interruptService();
    Duration stopping = Duration.ofNanos(System.nanoTime() - down);
    try {
      assertThatThrownBy(() -> waiting.get(latest.toMillis() + 10_000, TimeUnit.MILLISECONDS))
          .hasCauseExactlyInstanceOf(LockUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - down))
          .as("gave up after the budget of %s, within an ask's bound or two", OUTAGE_BUDGET)
          .isBetween(OUTAGE_BUDGET, latest.plus(stopping));
    } finally {
      restoreService();
    }
    held.close();
    // The client that gave up works again once it has reconnected to the restored service.
    try (Lease after =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptionsInstanceOf(LockUnavailableException.class)
            .until(() -> q.waiter().acquire(group, 0.5, Duration.ofSeconds(5)), Objects::nonNull)) {
      after.checkValid();
    }
  }

  /** A lease of {@link #group} and a waiter queued behind it, of another client. */
  private record Queued(Lease held, FleetLock waiter, Future<Lease> waiting) {}

  /**
   * A client holding {@link #group} and another's waiter in the service's queue behind it: the
   * waiter's client has waited once before (connected, subscribed to its wake-ups), so its first
   * ask is one round trip and is long answered when this returns.
   */
  private Queued queuedBehindAHolder(Duration timeout) throws Exception {
    FleetLock holder = client();
    FleetLock waiter = client();
    Lease held = holder.acquire(group, 0.5, Duration.ofSeconds(5));
    assertThatThrownBy(() -> waiter.acquire(group, 0.5, Duration.ofMillis(300)))
        .isInstanceOf(LockTimeoutException.class);
    Future<Lease> waiting = pool.submit(() -> waiter.acquire(group, 0.5, timeout));
    await().pollDelay(Duration.ofSeconds(1)).until(() -> !waiting.isDone());
    return new Queued(held, waiter, waiting);
  }

  private Void takeAndNote(FleetLock c, double priority, String name, List<String> served)
      throws Exception {
    try (Lease l = c.acquire(group, priority, Duration.ofSeconds(30))) {
      served.add(name);
      Thread.sleep(50);
    }
    return null;
  }

  private static void busy(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
