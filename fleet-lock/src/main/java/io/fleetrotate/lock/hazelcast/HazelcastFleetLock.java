package io.fleetrotate.lock.hazelcast;

import com.hazelcast.client.AuthenticationException;
import com.hazelcast.client.ClientNotAllowedInClusterException;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig.ReconnectMode;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.client.impl.management.ClientConnectionProcessListener;
import com.hazelcast.client.properties.ClientProperty;
import com.hazelcast.cluster.Address;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.fleetrotate.lock.AcquireDriver;
import io.fleetrotate.lock.AcquireLoop;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseWatchdog;
import io.fleetrotate.lock.LockClosedException;
import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.lock.OwnedGrant;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.lock.Ticker;
import io.fleetrotate.lock.member.AcquireOutcome;
import io.fleetrotate.lock.member.AcquireRequest;
import io.fleetrotate.lock.member.ConcernsClient;
import io.fleetrotate.lock.member.LeaseMaps;
import io.fleetrotate.lock.member.LeaseTable;
import io.fleetrotate.lock.member.RaiseFence;
import io.fleetrotate.lock.member.Release;
import io.fleetrotate.lock.member.Renew;
import io.fleetrotate.lock.member.TryAcquire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases from a Hazelcast cluster (open source; no CP Subsystem), which this agent joins as a
 * client.
 *
 * <p>Each group is one entry of the IMap {@link LeaseMaps#LEASES}, a {@link LeaseTable} changed
 * only by EntryProcessors on its partition owner, with that member's clock: {@link TryAcquire}
 * queues the request and grants it in {@link QueueOrder} when a slot is free, {@link Renew} and
 * {@link Release} check the owner id, and the table's counter gives each grant its fencing token. A
 * {@link Release} also hands the free place to the first waiter. A waiter sleeps on its group's
 * entry events, which carry the table: the event of a release that granted it is its grant (no
 * further round trip), and a waiter the change leaves queued behind a full group sleeps on. Each
 * client listens to the whole map once, from when it connects, and the member filters the events
 * ({@link ConcernsClient}): a client hears of a change only when it grants one of its waiters or
 * frees a place where one waits, so a grant is not sent after a fan-out to every other waiting
 * client, and the first acquire of a group waits for no listener registration. It asks again when a
 * place may be free, when the first grant is due to expire, and at least every {@link
 * HazelcastLockTimings#poll()} (events are lost while the client reconnects), which also keeps its
 * place in the queue alive.
 *
 * <p>The IMap is AP: during a split brain both halves may grant the same group, and a merge may
 * lower the counter. Fencing contains that (see {@code docs/hazelcast-consistency.md}); this client
 * also sends the highest token it has seen for a group with each request, so its next token exceeds
 * it whatever the merge kept.
 *
 * <p>The client starts asynchronously and reconnects in the background; while it is not connected
 * the first ask of {@link #acquire} waits at most {@link HazelcastLockTimings#connectWait()}, then
 * throws {@link LockUnavailableException}; a queued waiter rides out the outage budget ({@link
 * AcquireLoop}). A member that answers but refuses the client (another cluster name, rejected
 * credentials, client filtering) makes it throw {@link LockRefusedException} at once.
 */
public final class HazelcastFleetLock implements FleetLock {
  private static final Logger log = LoggerFactory.getLogger(HazelcastFleetLock.class);

  private final HazelcastConfig config;
  private final int maxConcurrent;
  private final Duration ttl;
  private final QueueOrder order;
  private final HazelcastLockTimings timings;
  private final Map<String, Wakeups> wakeups = new ConcurrentHashMap<>();
  private final Object listening = new Object();
  private CompletableFuture<UUID> listener; // guarded by listening
  private final Map<String, Long> highestToken = new ConcurrentHashMap<>();
  // Every owner id this client sends starts with it: the member sends a group's changes only to
  // the clients they concern (ConcernsClient).
  private final String ownerPrefix = UUID.randomUUID() + "/";
  private final Object connection = new Object();
  private boolean connected; // guarded by connection
  private String refusal; // guarded by connection: why the cluster refused this client, if it did
  private final LeaseWatchdog watchdog;
  private final AcquireLoop loop;
  private final Ticker ticker;
  private final HazelcastInstance client;
  private volatile IMap<String, LeaseTable> leases; // the proxy needs a connection: made lazily
  private volatile boolean closed;

  /**
   * Starts a client of the cluster; returns at once, connecting in the background.
   *
   * @param maxConcurrent how many agents of one group may hold a lease at once
   * @param ttl how long a grant lasts unless renewed (renewed at ttl/3 while held)
   */
  public HazelcastFleetLock(
      HazelcastConfig config, int maxConcurrent, Duration ttl, QueueOrder order) {
    this(config, maxConcurrent, ttl, order, HazelcastLockTimings.defaults());
  }

  HazelcastFleetLock(
      HazelcastConfig config,
      int maxConcurrent,
      Duration ttl,
      QueueOrder order,
      HazelcastLockTimings timings) {
    this(config, maxConcurrent, ttl, order, timings, new AcquireLoop(Ticker.SYSTEM));
  }

  HazelcastFleetLock(
      HazelcastConfig config,
      int maxConcurrent,
      Duration ttl,
      QueueOrder order,
      HazelcastLockTimings timings,
      AcquireLoop loop) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, not " + maxConcurrent);
    }
    if (config.members().isEmpty()) {
      throw new IllegalArgumentException("lock.hazelcast.members must list at least one member");
    }
    this.config = config;
    this.maxConcurrent = maxConcurrent;
    this.ttl = ttl;
    this.order = order;
    this.timings = timings;
    this.ticker = loop.ticker();
    this.loop = loop;
    this.watchdog = new LeaseWatchdog(ttl, ticker);
    try {
      this.client = HazelcastClient.newHazelcastClient(clientConfig(config, timings, this));
    } catch (RuntimeException e) {
      watchdog.close();
      throw e;
    }
  }

  /**
   * The client's configuration: asynchronous start and reconnection, so no call blocks on a missing
   * cluster; retried invocations, since every lease processor is idempotent for its owner id;
   * timeouts of seconds, not Hazelcast's minutes.
   */
  static ClientConfig clientConfig(
      HazelcastConfig config, HazelcastLockTimings timings, HazelcastFleetLock lifecycle) {
    ClientConfig c = new ClientConfig();
    c.setClusterName(config.clusterName());
    c.setInstanceName("fleetrotate-lock-" + UUID.randomUUID().toString().substring(0, 8));
    c.setProperty("hazelcast.logging.type", "slf4j");
    // The answers are Java-serialized lease classes: a member (or whoever answers on its address)
    // cannot make this client instantiate any other class.
    c.getSerializationConfig().setJavaSerializationFilterConfig(LeaseMaps.serializationFilter());
    c.getNetworkConfig()
        .setAddresses(new ArrayList<>(config.members()))
        .setConnectionTimeout((int) timings.connectWait().toMillis())
        .setRedoOperation(true);
    // One connection, to any member, which forwards to the partition owner: a lock client's traffic
    // is tiny, and a client connected at all receives every event of its groups (a client that
    // connects to each member would miss the events of a member it has not connected to yet).
    c.getNetworkConfig().getClusterRoutingConfig().setRoutingMode(RoutingMode.SINGLE_MEMBER);
    // Members, not the client, collect the backup acknowledgements, so a write never waits for a
    // connection from the backup's member to this client (a 5s stall otherwise).
    c.setBackupAckToClientEnabled(false);
    // No client metrics: collecting them every 5 s and publishing each to JMX cost more CPU than
    // the leases do, and nothing reads them (the agent has its own /metrics).
    c.getMetricsConfig().setEnabled(false);
    c.getConnectionStrategyConfig().setAsyncStart(true).setReconnectMode(ReconnectMode.ASYNC);
    c.getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setInitialBackoffMillis(200)
        .setMaxBackoffMillis(5_000)
        .setMultiplier(2)
        .setJitter(0.2)
        .setClusterConnectTimeoutMillis(-1); // never give up: the cluster may come back later
    long callSeconds = Math.max(1, timings.callTimeout().toSeconds());
    c.setProperty(ClientProperty.INVOCATION_TIMEOUT_SECONDS.getName(), "" + 3 * callSeconds);
    c.setProperty(ClientProperty.INVOCATION_RETRY_PAUSE_MILLIS.getName(), "100");
    c.setProperty(ClientProperty.HEARTBEAT_INTERVAL.getName(), "2000");
    c.setProperty(ClientProperty.HEARTBEAT_TIMEOUT.getName(), "" + 3 * callSeconds * 1000);
    if (lifecycle != null) {
      c.addListenerConfig(new ListenerConfig(lifecycle.new ConnectionListener()));
    }
    return c;
  }

  @Override
  public Lease acquire(String group, double priority, Duration timeout)
      throws LockUnavailableException, LockTimeoutException, InterruptedException {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("group must not be blank");
    }
    if (closed) {
      throw new LockClosedException(backendName());
    }
    return loop.acquire(group, timeout, new Driver(group, priority));
  }

  /**
   * One acquire: an ask is one {@link TryAcquire}; a waiter sleeps on its group's entry events,
   * which carry the table, so a waiter that a release granted learns it from the event alone, and
   * the others go back to sleep without asking.
   */
  private final class Driver implements AcquireDriver {
    private final String group;
    private final String owner = ownerPrefix + UUID.randomUUID();
    private final AcquireRequest request;
    private Wakeups wake;
    private long seen;
    private long lastWaitSent;
    private volatile AcquireOutcome last; // also read by the event thread (mayAct)

    Driver(String group, double priority) {
      this.group = group;
      this.request =
          new AcquireRequest(
              owner,
              priority,
              order.boostMillis(),
              maxConcurrent,
              ttl.toMillis(),
              timings.waiterTtl().toMillis(),
              highestToken.getOrDefault(group, 0L));
    }

    @Override
    public Answer ask(long answerWithinNanos)
        throws LockUnavailableException, InterruptedException {
      if (closed) {
        throw new LockClosedException(backendName());
      }
      if (wake == null) {
        awaitConnected(Math.min(timings.connectWait().toNanos(), answerWithinNanos));
        awaitListening();
        wake = wakeups.computeIfAbsent(group, g -> new Wakeups());
        wake.pending.add(this);
      }
      seen = wake.generation();
      long sent = ticker.read();
      AcquireOutcome outcome = call(group, new TryAcquire(request), timings.callTimeout());
      if (outcome.isGranted()) {
        // A grant to a queued waiter may come from a release after its last answered ask: its TTL
        // started no earlier than that ask.
        long requestedAt = last == null ? sent : lastWaitSent;
        if (ticker.read() - requestedAt > ttl.toNanos() / 4) {
          // Too old to count from (the cluster was away): renew first, so that it counts from now.
          long renewSent = ticker.read();
          if (!renew(group, owner, ttl)) {
            return Answer.waiting(0);
          }
          requestedAt = renewSent;
        }
        return Answer.granted(lease(outcome.token(), requestedAt));
      }
      lastWaitSent = sent;
      last = outcome;
      return Answer.waiting(
          Math.min(
              timings.poll().toNanos(), TimeUnit.MILLISECONDS.toNanos(outcome.retryAfterMillis())));
    }

    @Override
    public Lease await(long nanos) throws InterruptedException {
      if (wake == null) {
        TimeUnit.NANOSECONDS.sleep(nanos); // not connected yet: a pause before the next ask
        return null;
      }
      long end = ticker.read() + nanos;
      while (true) {
        LeaseTable table = wake.latest();
        boolean news = isNews(table);
        LeaseTable.Holder mine = news && table != null ? table.holders().get(owner) : null;
        if (mine != null && last != null) {
          // Granted by a release after our last answered ask, so its TTL started no earlier.
          if (ticker.read() - lastWaitSent < ttl.toNanos() / 4) {
            return lease(mine.token(), lastWaitSent);
          }
          return null; // that ask is old: asking again restarts the grant's TTL now
        }
        long generation = wake.generation();
        if (generation != seen) {
          seen = generation;
          // A table no newer than our last ask (an event still in flight then) tells nothing new.
          if (news && worthAsking(table)) {
            return null;
          }
          continue;
        }
        long left = end - ticker.read();
        if (left <= 0) {
          return null;
        }
        wake.awaitChange(seen, left);
      }
    }

    /** Whether {@code table} is newer than our last answered ask (unknown counts as news). */
    private boolean isNews(LeaseTable table) {
      AcquireOutcome answered = last;
      return table == null || answered == null || table.version() > answered.version();
    }

    /**
     * Whether this waiter would act on {@code table}: its grant, or a reason to ask again. Decided
     * on the event thread, so that a change that concerns none of this client's waiters (another
     * client's grant) wakes none of them.
     */
    boolean mayAct(LeaseTable table) {
      return isNews(table) && (table.holders().containsKey(owner) || worthAsking(table));
    }

    /**
     * Whether a change of the group's table may have made room for this waiter: unknown (a
     * reconnection, or the entry was removed), a free place, or this waiter no longer queued.
     */
    private boolean worthAsking(LeaseTable table) {
      return table == null
          || table.holders().size() < maxConcurrent
          || !table.waiters().containsKey(owner);
    }

    private Lease lease(long token, long requestedAt) {
      if (wake != null) {
        wake.pending.remove(this);
      }
      highestToken.merge(group, token, Math::max);
      return watchdog.watch(handle(group, owner, token), requestedAt);
    }

    @Override
    public void leave() {
      if (wake != null) {
        wake.pending.remove(this);
      }
      // Leave the queue, and drop (and hand on) a grant whose answer was lost.
      releaseQuietly(group, owner, false);
    }

    @Override
    public String describe() {
      return (last == null ? "" : last.ahead() + " waiting ahead, ")
          + maxConcurrent
          + " at a time, Hazelcast cluster "
          + config.clusterName();
    }
  }

  /**
   * Raises the fencing counter of {@code group} to at least {@code floor}, e.g. from the highest
   * token in the agent's fence files after a split-brain merge, so the next grant's token is
   * greater than every token already used.
   *
   * @return the counter after raising
   */
  public long raiseFence(String group, long floor)
      throws LockUnavailableException, InterruptedException {
    long fence = call(group, new RaiseFence(floor), timings.callTimeout());
    highestToken.merge(group, fence, Math::max);
    return fence;
  }

  @Override
  public void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {
    try {
      raiseFence(group, atLeast);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockUnavailableException("interrupted while raising the fence of " + group, e);
    }
  }

  @Override
  public String backendName() {
    return "hazelcast";
  }

  /** Gives back the leases still held (their holders find them lost), then disconnects. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.close();
    try {
      client.shutdown();
    } catch (RuntimeException e) {
      log.debug("shutting down the Hazelcast client: {}", e.toString());
    }
  }

  /** The underlying client, for tests that need to know which member it talks to. */
  HazelcastInstance hazelcast() {
    return client;
  }

  /** Dies as with SIGKILL, for tests: no release, no renewal, connections dropped. */
  void crash() {
    closed = true;
    watchdog.crash();
    client.getLifecycleService().terminate();
  }

  /** The handle of the grant {@code token} of {@code owner}, as the watchdog holds it. */
  OwnedGrant<String> handle(String group, String owner, long token) {
    return new OwnedGrant<>(group, token, owner, grants);
  }

  /** Renews and gives back this client's grants, each known by its owner id. */
  private final OwnedGrant.Backend<String> grants =
      new OwnedGrant.Backend<>() {
        @Override
        public boolean renew(OwnedGrant<String> grant, Duration ttl)
            throws LockUnavailableException {
          return HazelcastFleetLock.this.renew(grant.group(), grant.owner(), ttl);
        }

        @Override
        public void release(OwnedGrant<String> grant) {
          releaseQuietly(grant.group(), grant.owner(), true);
        }
      };

  private boolean renew(String group, String owner, Duration ttl) throws LockUnavailableException {
    // The watchdog renews every lease of this client on one thread: keep each call short.
    Duration bound = min(timings.callTimeout(), ttl.dividedBy(4));
    try {
      return call(group, new Renew(owner, ttl.toMillis()), bound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockUnavailableException("interrupted while renewing the lease of " + group, e);
    }
  }

  /**
   * Owner-checked release of a grant and of a queued request; never throws.
   *
   * @param held whether a lease was handed out (a failure to release it is worth a warning)
   */
  private void releaseQuietly(String group, String owner, boolean held) {
    // Also called by a thread that was interrupted: wait for the answer all the same.
    boolean interrupted = Thread.interrupted();
    try {
      call(group, new Release(owner, maxConcurrent), timings.callTimeout());
    } catch (LockUnavailableException | RuntimeException e) {
      if (held) {
        log.warn(
            "could not release the lease of group {} (it expires by itself): {}",
            group,
            e.getMessage());
      } else {
        log.debug("could not withdraw a request for group {}: {}", group, e.getMessage());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private <R> R call(
      String group,
      com.hazelcast.map.EntryProcessor<String, LeaseTable, R> processor,
      Duration bound)
      throws LockUnavailableException, InterruptedException {
    CompletableFuture<R> answer;
    try {
      answer = leases().submitToKey(group, processor).toCompletableFuture();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
    return await(answer, bound, "answer");
  }

  /**
   * The result of {@code pending} within {@code bound}; a failure or no result in time is a {@link
   * LockUnavailableException} that says the cluster did not {@code what} within the bound.
   */
  private <R> R await(CompletableFuture<R> pending, Duration bound, String what)
      throws LockUnavailableException, InterruptedException {
    try {
      return pending.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw cause instanceof LockUnavailableException u ? u : unavailable(cause);
    } catch (TimeoutException e) {
      throw new LockUnavailableException(
          "the Hazelcast cluster "
              + config.clusterName()
              + " at "
              + config.members()
              + " did not "
              + what
              + " within "
              + bound,
          e);
    }
  }

  private LockUnavailableException unavailable(Throwable e) {
    if (e instanceof AuthenticationException
        || e instanceof ClientNotAllowedInClusterException
        || e instanceof SecurityException) {
      return new LockRefusedException(refusedSentence(config.members().toString(), e), e);
    }
    if (e instanceof HazelcastSerializationException) {
      return new LockUnavailableException(
          "the Hazelcast cluster "
              + config.clusterName()
              + " cannot run fleetrotate's lease processors ("
              + e.getMessage()
              + "); put the fleet-lock-member jar on every member's classpath",
          e);
    }
    return new LockUnavailableException(
        "cannot use the Hazelcast cluster "
            + config.clusterName()
            + " at "
            + config.members()
            + ": "
            + e,
        e);
  }

  private void awaitConnected(long waitNanos)
      throws LockUnavailableException, InterruptedException {
    long end = ticker.read() + waitNanos;
    synchronized (connection) {
      while (!connected) {
        if (refusal != null) {
          throw new LockRefusedException(refusal, null);
        }
        long left = end - ticker.read();
        if (left <= 0) {
          throw new LockUnavailableException(
              "not connected to the Hazelcast cluster "
                  + config.clusterName()
                  + " at "
                  + config.members()
                  + " (still trying in the background); check lock.hazelcast.members and that"
                  + " the cluster is up");
        }
        TimeUnit.NANOSECONDS.timedWait(connection, left);
      }
    }
  }

  /**
   * Registers this client's one listener of the lease map, unless it is registered or under way.
   * One per client, not one per group, so the first acquire of a group waits for no registration (a
   * round trip to every member); the member's filter ({@link ConcernsClient}) sends it only the
   * changes that concern its own owner ids, in any group, as the Redis backend's per-client channel
   * does.
   */
  private CompletableFuture<UUID> listen() {
    synchronized (listening) {
      if (listener == null || listener.isCompletedExceptionally()) {
        // On a thread of its own: a caller waits for it at most its own bound.
        listener =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return leases()
                        .addEntryListener(
                            new GroupChanges(),
                            new ConcernsClient(ownerPrefix, maxConcurrent),
                            true);
                  } catch (LockUnavailableException e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                },
                task -> {
                  Thread t = new Thread(task, "fleetrotate-hazelcast-listen");
                  t.setDaemon(true);
                  t.start();
                });
      }
      return listener;
    }
  }

  /** Waits until this client listens to the lease map ({@link #listen}), as it does once warm. */
  private void awaitListening() throws LockUnavailableException, InterruptedException {
    await(listen(), timings.callTimeout(), "register this client's listener");
  }

  private void warmUp() {
    try {
      leases();
      listen().join();
    } catch (LockUnavailableException | RuntimeException e) {
      log.debug("cannot listen to the lease map yet: {}", e.getMessage());
    }
  }

  /**
   * Waits until the client is connected and has the lease map at hand, as an agent's client is by
   * the time it first rotates; for tests that measure latencies from the first acquire.
   */
  boolean awaitReady(Duration wait) throws InterruptedException {
    try {
      awaitConnected(wait.toNanos());
      leases();
      awaitListening();
      return true;
    } catch (LockUnavailableException e) {
      return false;
    }
  }

  private IMap<String, LeaseTable> leases() throws LockUnavailableException {
    IMap<String, LeaseTable> map = leases;
    if (map == null) {
      try {
        map = client.getMap(LeaseMaps.LEASES);
      } catch (RuntimeException e) {
        throw unavailable(e);
      }
      leases = map;
    }
    return map;
  }

  /** What the cluster refused and what to fix, in one sentence. */
  private String refusedSentence(String member, Throwable why) {
    if (why instanceof ClientNotAllowedInClusterException) {
      return "the Hazelcast cluster at "
          + member
          + " does not allow this client (its client filtering or blue-green setup refuses it); "
          + "allow it there or point lock.hazelcast.members at the right cluster.";
    }
    if (why instanceof SecurityException) {
      return "the Hazelcast cluster "
          + config.clusterName()
          + " at "
          + member
          + " refused the lock's operation ("
          + why.getMessage()
          + "); grant this client the permissions on the map "
          + LeaseMaps.LEASES
          + ".";
    }
    return "the Hazelcast member "
        + member
        + " refused this client: its cluster name is not '"
        + config.clusterName()
        + "' (or its security rejects the client's credentials); set lock.hazelcast.clusterName"
        + " to the cluster's name (the coordinator's hazelcast cluster name).";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Tracks the connection; on reconnecting, wakes every waiter (events were missed meanwhile). Also
   * hears, through Hazelcast's connection-process hook (the one its Management Center diagnostics
   * use), when a member answers but refuses this client, so that {@link #acquire} reports a
   * configuration error, not an outage.
   */
  private final class ConnectionListener
      implements com.hazelcast.core.LifecycleListener, ClientConnectionProcessListener {
    @Override
    public void credentialsFailed(Address address) {
      refused(refusedSentence(String.valueOf(address), new AuthenticationException("")));
    }

    @Override
    public void clientNotAllowedInCluster(Address address) {
      refused(refusedSentence(String.valueOf(address), new ClientNotAllowedInClusterException("")));
    }

    @Override
    public void authenticationSuccess(Address address) {
      synchronized (connection) {
        refusal = null;
      }
    }

    private void refused(String why) {
      boolean first;
      synchronized (connection) {
        first = refusal == null;
        refusal = why;
        connection.notifyAll();
      }
      if (first) {
        log.error("{}", why);
      }
    }

    @Override
    public void stateChanged(LifecycleEvent event) {
      switch (event.getState()) {
        case CLIENT_CONNECTED -> setConnected(true);
        case CLIENT_DISCONNECTED, SHUTTING_DOWN, SHUTDOWN -> setConnected(false);
        default -> {
          // STARTING, STARTED, ...: not about the connection.
        }
      }
    }

    private void setConnected(boolean now) {
      boolean was;
      synchronized (connection) {
        was = connected;
        connected = now;
        connection.notifyAll();
      }
      if (now && !was) {
        log.info("connected to the Hazelcast cluster {}", config.clusterName());
        wakeups.values().forEach(Wakeups::wake);
        // Create the map's proxy and register the listener now (round trips), not in the first
        // acquire.
        CompletableFuture.runAsync(HazelcastFleetLock.this::warmUp);
      } else if (!now && was && !closed) {
        log.warn(
            "disconnected from the Hazelcast cluster {} at {}; reconnecting",
            config.clusterName(),
            config.members());
      }
    }
  }

  /**
   * The waiters of one group sleep here; any change of the group's entry that the member sends
   * wakes them all, and {@link #latest} is the table the change left (null when unknown: the entry
   * was removed, or the client reconnected and may have missed events). A generation counter read
   * before asking the cluster means an event that arrives between the answer and the sleep is not
   * lost.
   */
  private final class Wakeups {
    private long generation; // guarded by this
    private LeaseTable latest; // guarded by this
    final Set<Driver> pending = ConcurrentHashMap.newKeySet();

    synchronized long generation() {
      return generation;
    }

    synchronized LeaseTable latest() {
      return latest;
    }

    synchronized void wake() {
      changed(null);
    }

    /**
     * Records the change; wakes the waiters only when one of them would act on it (a thread woken
     * for another client's grant only goes back to sleep, and there is one per waiting agent). One
     * that sleeps through a change still finds it, by its generation, when its poll ends.
     */
    private synchronized void changed(LeaseTable table) {
      latest = table;
      generation++;
      if (table == null || pending.stream().anyMatch(d -> d.mayAct(table))) {
        notifyAll();
      }
    }

    synchronized void awaitChange(long seen, long nanos) throws InterruptedException {
      long end = ticker.read() + nanos;
      while (generation == seen) {
        long left = end - ticker.read();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  /**
   * This client's one listener of the lease map: hands each change the member sends to the waiters
   * of its group, if this client has any.
   */
  private final class GroupChanges
      implements EntryAddedListener<String, LeaseTable>,
          EntryUpdatedListener<String, LeaseTable>,
          EntryRemovedListener<String, LeaseTable> {

    @Override
    public void entryAdded(EntryEvent<String, LeaseTable> event) {
      changed(event, event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, LeaseTable> event) {
      changed(event, event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, LeaseTable> event) {
      changed(event, null);
    }

    private void changed(EntryEvent<String, LeaseTable> event, LeaseTable table) {
      Wakeups w = wakeups.get(event.getKey());
      if (w != null) {
        w.changed(table);
      }
    }
  }
}
