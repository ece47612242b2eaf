package io.fleetrotate.lock.redis;

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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases from Redis (standalone, Sentinel or Cluster, see {@link RedisConfig}), through Lettuce and
 * Lua scripts ({@link RedisScripts}, resources beside this class) that use the server's clock
 * ({@code TIME}) for every expiry.
 *
 * <p>Keys of a group {@code g}, all with the hash tag {@code {g}} (one Cluster slot):
 *
 * <ul>
 *   <li>{@code fleetrotate:{g}:holders} ZSET grant token &rarr; expiry (ms);
 *   <li>{@code fleetrotate:{g}:grants} HASH grant token &rarr; fencing token, so that a waiter
 *       whose answer or message was lost learns its grant on its next try;
 *   <li>{@code fleetrotate:{g}:queue} ZSET waiter token &rarr; {@link QueueOrder} score (arrival in
 *       us on the server clock, minus the priority boost), lowest served first;
 *   <li>{@code fleetrotate:{g}:waiting} ZSET waiter token &rarr; expiry of the waiter's entry,
 *       which each of its tries (at least every second) pushes back;
 *   <li>{@code fleetrotate:{g}:fence} the last fencing token, never expiring; the next one is
 *       {@code max(last + 1, server time in us)}, so tokens keep increasing even after a restart or
 *       a failover lost the counter;
 *   <li>channel {@code fleetrotate:granted:<client id>}, one per client (not per group, so that a
 *       release wakes only the client it granted): {@code "token=fence"} for each of its waiters
 *       that a release granted.
 * </ul>
 *
 * Empty sets vanish by themselves; only the counter stays, a few bytes per group. An ACL user needs
 * only {@code ~fleetrotate:* &fleetrotate:granted:*} and the commands {@code hello evalsha eval
 * subscribe get set hget hset hdel zadd zcard zrange zrangebyscore zrem zscore publish time}
 * (scripts run their commands with the caller's permissions): README's "Redis ACL for the lock",
 * checked by {@code RedisAclTest}.
 *
 * <p>Acquiring is one EVALSHA when a place is free and nobody waits; releasing is one EVALSHA that
 * {@link Lease#close()} sends without waiting for the answer (this client's next command queues
 * behind it, {@link #close()} waits for it, a failure is logged). Otherwise the waiter joins the
 * queue and sleeps; a release grants the free places to the first waiters itself and tells them on
 * its client's channel, so a hand-off costs the releaser's round trip and one message. A waiter
 * also asks again every {@code min(1 s, ttl / 6)}, or when the first holder's grant is due to
 * expire, in case a message was lost or a holder died.
 *
 * <p>Failure semantics (on top of {@link FleetLock}'s):
 *
 * <ul>
 *   <li>Redis answers with an error that only a change of configuration fixes (WRONGPASS, NOAUTH,
 *       NOPERM, WRONGTYPE, a script error), or its TLS certificate is not trusted: {@link
 *       LockRefusedException} at once, never retried.
 *   <li>Redis cannot be reached on the first try (refused, or no answer within 2 s, or the caller's
 *       timeout if shorter): {@link LockUnavailableException} at once.
 *   <li>Redis goes away while the caller waits in the queue: it keeps asking every 100 ms for up to
 *       {@link FleetLock#OUTAGE_BUDGET} (within its timeout), so a waiter rides out a restart or
 *       failover, then throws {@link LockUnavailableException} ({@link AcquireLoop}).
 *   <li>The caller's timeout passes while Redis answers: {@link LockTimeoutException}; while it
 *       does not (for longer than the last try's 2 s): {@link LockUnavailableException}. A try is
 *       given at least 100 ms for its answer, so a call may return up to that much after a shorter
 *       timeout.
 *   <li>A reply lost to a timeout may have granted on the server: the grant is given back (the
 *       release is queued behind it on the same connection), else it expires by its TTL. A grant
 *       answered late (Redis paused) is renewed before use, so its TTL counts from then.
 *   <li>A holder that dies is replaced once its TTL has passed; a waiter that dies is dropped from
 *       the queue within about three polls. A waiter killed in the instant a release granted it
 *       holds the lease until its TTL, like a dead holder.
 *   <li>All clients of a group must use the same {@code maxConcurrent}: whichever script runs
 *       applies its own.
 * </ul>
 */
public final class RedisFleetLock implements FleetLock {
  private static final Logger log = LoggerFactory.getLogger(RedisFleetLock.class);

  private static final long COMMAND_NANOS = RedisConnections.COMMAND_TIMEOUT.toNanos();

  private final RedisConnections redis;
  private final RedisReleaseListener listener = new RedisReleaseListener();
  private final LeaseWatchdog watchdog;
  private final AcquireLoop loop;
  private final Ticker ticker;
  private final QueueOrder order;
  private final String maxConcurrent;
  private final long pollNanos;
  private final Duration ttl;
  private final long ttlNanos;
  private final String waiterTtlMillis;
  private final String tokenPrefix;
  private final String grantedChannel;
  private final AtomicLong grants = new AtomicLong();
  private final ConcurrentHashMap<String, RedisKeys> keysByGroup = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<Object>> releasing = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * A client of the lock in Redis. It starts connecting in the background and returns at once, so
   * it can be made while Redis is down; {@link #acquire} connects if that did not work.
   *
   * @param maxConcurrent how many holders a group may have at once, the same for every client
   * @param ttl how long a grant lasts unless renewed (the watchdog renews at ttl / 3)
   * @throws IllegalArgumentException the URI cannot be parsed, or an argument is out of range
   */
  public RedisFleetLock(RedisConfig config, int maxConcurrent, Duration ttl, QueueOrder order) {
    this(config, maxConcurrent, ttl, order, new AcquireLoop(Ticker.SYSTEM));
  }

  /** With the acquire loop, whose time source the leases' deadlines share. */
  public RedisFleetLock(
      RedisConfig config, int maxConcurrent, Duration ttl, QueueOrder order, AcquireLoop loop) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, not " + maxConcurrent);
    }
    this.ticker = loop.ticker();
    this.loop = loop;
    this.watchdog = new LeaseWatchdog(ttl, ticker);
    this.ttl = ttl;
    this.ttlNanos = ttl.toNanos();
    this.order = order;
    this.maxConcurrent = Integer.toString(maxConcurrent);
    this.pollNanos =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(20),
            Math.min(TimeUnit.SECONDS.toNanos(1), ttl.toNanos() / 6));
    this.waiterTtlMillis = Long.toString(TimeUnit.NANOSECONDS.toMillis(3 * pollNanos) + 500);
    byte[] id = new byte[12];
    new SecureRandom().nextBytes(id);
    // The TTL travels in the token: a release that grants this waiter needs it.
    String clientId = HexFormat.of().formatHex(id);
    this.tokenPrefix = ttl.toMillis() + ":" + clientId + ":";
    this.grantedChannel = RedisKeys.grantedChannel(clientId);
    this.redis = new RedisConnections(config);
    redis.openSoon();
  }

  @Override
  public Lease acquire(String group, double priority, Duration timeout)
      throws LockUnavailableException, LockTimeoutException, InterruptedException {
    if (closed) {
      throw new LockClosedException(backendName());
    }
    Driver driver = new Driver(keysByGroup.computeIfAbsent(group, RedisKeys::of), priority);
    try {
      return loop.acquire(group, timeout, driver);
    } finally {
      listener.unregister(driver.token);
    }
  }

  /**
   * One acquire: an ask is one EVALSHA of the acquire script, which grants or queues; a release
   * that grants this waiter pushes the grant on this client's channel, which wakes it.
   */
  private final class Driver implements AcquireDriver {
    private final RedisKeys keys;
    private final String token = tokenPrefix + grants.incrementAndGet();
    private final String[] args;
    private CompletableFuture<Long> pushed;
    private long lastWaitSent;

    Driver(RedisKeys keys, double priority) {
      this.keys = keys;
      this.args =
          new String[] {
            token,
            maxConcurrent,
            Double.toString(priority),
            Long.toString(order.boostMillis()),
            waiterTtlMillis,
            "1" // first try
          };
      this.pushed = listener.register(token);
      this.lastWaitSent = ticker.read();
    }

    @Override
    public Answer ask(long answerWithinNanos)
        throws LockUnavailableException, InterruptedException {
      if (closed) {
        throw new LockClosedException(backendName());
      }
      long window = Math.min(COMMAND_NANOS, answerWithinNanos);
      boolean listening = listener.isSubscribed();
      long sent = ticker.read();
      List<Object> reply =
          RedisFleetLock.this.await(
              RedisScripts.ACQUIRE.call(redis.commands(window), keys.keys(), args), window);
      if (isGrant(reply)) {
        Lease lease = leaseIfFresh(keys, token, ((Number) reply.get(1)).longValue(), sent);
        return lease != null ? Answer.granted(lease) : Answer.waiting(0);
      }
      lastWaitSent = sent;
      args[5] = "0";
      if (!listening) {
        try {
          subscribe(window);
        } catch (LockRefusedException refused) {
          throw refused;
        } catch (LockUnavailableException gone) {
          // Queued, but Redis went away before the channel of grants opened: poll as a waiter
          // does, and the acquire loop's outage budget covers a Redis that stays away.
          return Answer.waiting(pollNanos);
        }
        return Answer.waiting(0); // a grant between that try and the subscription went unheard
      }
      long sleep = pollNanos;
      long firstExpiryMillis = ((Number) reply.get(1)).longValue();
      if (firstExpiryMillis >= 0) {
        sleep = Math.min(sleep, TimeUnit.MILLISECONDS.toNanos(firstExpiryMillis + 1));
      }
      return Answer.waiting(sleep);
    }

    @Override
    public Lease await(long nanos) throws InterruptedException {
      Long fence = waitFor(pushed, nanos);
      if (fence == null) {
        return null;
      }
      if (ticker.read() - lastWaitSent < 2 * pollNanos) {
        // Granted after our last answered try, so its TTL started no earlier than that.
        return lease(keys, token, fence, lastWaitSent);
      }
      // That try is old (Redis was away): ask again, which restarts the grant's TTL now.
      pushed = listener.register(token);
      return null;
    }

    @Override
    public void leave() {
      RedisFleetLock.this.leave(keys, token);
    }

    @Override
    public String describe() {
      return RedisFleetLock.this.describe();
    }
  }

  @Override
  public String backendName() {
    return "redis";
  }

  /** Gives back the leases still held, waits for releases in flight, then disconnects. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.close(); // gives back the leases still held
    try {
      CompletableFuture.allOf(releasing.toArray(CompletableFuture[]::new))
          .get(COMMAND_NANOS, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not give back every lease on close; they expire by their TTL: {}", e);
    }
    redis.close();
  }

  /** For tests: dies as with SIGKILL, without releasing or renewing anything. */
  void crash() {
    closed = true;
    watchdog.crash();
    redis.crash();
  }

  String describe() {
    return redis.describe();
  }

  /** Sets the group's counter to at least {@code atLeast}; the next grant's token is above it. */
  @Override
  public void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {
    RedisKeys keys = keysByGroup.computeIfAbsent(group, RedisKeys::of);
    try {
      Long raised =
          await(
              RedisScripts.RAISE_FENCE.call(
                  redis.commands(COMMAND_NANOS), keys.keys(), Long.toString(atLeast)),
              COMMAND_NANOS);
      if (raised != null && raised == 1) {
        log.warn("raised the fencing counter of group {} to {}", group, atLeast);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockUnavailableException("interrupted while raising a fencing counter", e);
    }
  }

  boolean renew(RedisKeys keys, String token, Duration ttl) throws LockUnavailableException {
    try {
      Long renewed =
          await(
              RedisScripts.RENEW.call(
                  redis.commands(COMMAND_NANOS), keys.keys(), token, Long.toString(ttl.toMillis())),
              COMMAND_NANOS);
      return renewed != null && renewed == 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockUnavailableException("interrupted while renewing a lease", e);
    }
  }

  /**
   * Sends the owner-checked release and returns without waiting for the answer: the next command of
   * this client queues behind it on the same connection, and {@link #close()} waits for it.
   */
  private void release(OwnedGrant<String> handle) {
    CompletableFuture<Object> release;
    try {
      release = releaseAsync(RedisKeys.of(handle.group()), handle.owner());
    } catch (LockUnavailableException | RuntimeException e) {
      cannotRelease(handle, e);
      return;
    }
    releasing.add(release);
    release.whenComplete(
        (answer, failure) -> {
          releasing.remove(release);
          if (failure != null) {
            cannotRelease(handle, failure);
          }
        });
  }

  private static void cannotRelease(OwnedGrant<String> handle, Throwable why) {
    log.warn(
        "could not give back the lease of group {} (token {}); it expires by its TTL: {}",
        handle.group(),
        handle.fencingToken(),
        why.getMessage());
  }

  /**
   * The lease, unless the answer took so long (Redis was paused, say) that little of the TTL
   * counted from the request would be left: then the grant is renewed first, so that it counts from
   * now. Null if the grant is gone by then.
   */
  private Lease leaseIfFresh(RedisKeys keys, String token, long fence, long requestedAtNanos)
      throws LockUnavailableException {
    long requestedAt = requestedAtNanos;
    if (ticker.read() - requestedAt > ttlNanos / 4) {
      long sent = ticker.read();
      if (!renew(keys, token, ttl)) {
        return null;
      }
      requestedAt = sent;
    }
    return lease(keys, token, fence, requestedAt);
  }

  private Lease lease(RedisKeys keys, String token, long fence, long requestedAtNanos) {
    return watchdog.watch(
        new OwnedGrant<>(keys.group(), fence, token, new Grants()), requestedAtNanos);
  }

  /** Renews and gives back this client's grants, each known by its random token. */
  private final class Grants implements OwnedGrant.Backend<String> {
    @Override
    public boolean renew(OwnedGrant<String> grant, Duration ttl) throws LockUnavailableException {
      return RedisFleetLock.this.renew(RedisKeys.of(grant.group()), grant.owner(), ttl);
    }

    @Override
    public void release(OwnedGrant<String> grant) {
      RedisFleetLock.this.release(grant);
    }
  }

  private CompletableFuture<Object> releaseAsync(RedisKeys keys, String token)
      throws LockUnavailableException {
    return RedisScripts.RELEASE.call(redis.openCommands(), keys.keys(), token, maxConcurrent);
  }

  /**
   * Leaves the queue without waiting for the answer; gives back a grant made behind our back (a try
   * whose answer was lost, or a release in the instant we gave up).
   */
  private void leave(RedisKeys keys, String token) {
    try {
      releaseAsync(keys, token);
    } catch (LockUnavailableException | RuntimeException e) {
      log.debug("could not leave the queue of group {}: {}", keys.group(), e.getMessage());
    }
  }

  private void subscribe(long window) throws LockUnavailableException, InterruptedException {
    await(
        redis.pubSub(listener, window).async().subscribe(grantedChannel).toCompletableFuture(),
        window);
    listener.subscribed();
  }

  private <T> T await(CompletableFuture<T> reply, long nanos)
      throws LockUnavailableException, InterruptedException {
    try {
      return reply.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new LockUnavailableException(
          "Redis "
              + describe()
              + " did not answer within "
              + TimeUnit.NANOSECONDS.toMillis(nanos)
              + " ms");
    } catch (ExecutionException e) {
      throw redis.unavailable(e.getCause());
    }
  }

  private static Long waitFor(CompletableFuture<Long> pushed, long nanos)
      throws InterruptedException {
    if (nanos <= 0) {
      return pushed.getNow(null);
    }
    try {
      return pushed.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      return null; // never completed exceptionally
    }
  }

  private static boolean isGrant(List<Object> reply) {
    return ((Number) reply.get(0)).longValue() == 1;
  }
}
