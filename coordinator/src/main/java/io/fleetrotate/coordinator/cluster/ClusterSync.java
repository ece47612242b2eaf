package io.fleetrotate.coordinator.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.SavedNode;
import io.fleetrotate.coordinator.history.SavedNodeJson;
import io.fleetrotate.proto.Backoff;
import io.fleetrotate.proto.DaemonThreads;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares rotation history and node state between coordinators. Nodes go through a replicated IMap
 * (backup count 1) by node id, each value the same JSON the store writes. How events are shared
 * depends on the store:
 *
 * <ul>
 *   <li><b>Embedded store</b> (one database file per coordinator): every member holds the whole
 *       history on its disk, none in its heap. A new event stored locally is put into the events
 *       map, a relay of recent events ({@link ClusterMember#relayConfig}: entries live a few
 *       minutes, at most a bounded number per member); the others' listeners store it in their own
 *       store (deduplicated like any delivery) and count it once. The acknowledgement waits for the
 *       map's synchronous backup, so an acked event survives the loss of this member while it is in
 *       the relay: when a member leaves, the others store what the relay holds and they lack. Older
 *       events are caught up from the peers' stores ({@link HistoryCatchUp}: histories compared by
 *       time slice, the differing slices pulled a page at a time): at start from every member, when
 *       a member joins by the others from it, and after a split cluster merges.
 *   <li><b>Shared store</b> (one PostgreSQL for every member): nothing is replicated. Each member
 *       writes to and reads from the database, whose unique index on the event id keeps one copy; a
 *       new event is only announced on a topic (held by no member) so that the others count it in
 *       their fleet state and metrics. A member that misses an announcement (it was starting, or
 *       partitioned) counts the event at its next start, when it reads the history back.
 *   <li>Heartbeats mark their node dirty; {@link #flushNodes()} (every second) puts the dirty
 *       nodes, so 20,000 heartbeats a second do not become 20,000 cluster writes.
 *   <li>At start, the node states the cluster holds are taken and the local ones added, so a
 *       coordinator that rejoins catches up, and one that starts first seeds the cluster.
 * </ul>
 *
 * <p>Catch-up runs on a thread of its own, one exchange at a time, never on Hazelcast's event
 * threads. A start waits for its catch-up up to a minute, so that a coordinator that answers
 * usually serves the whole history; a longer one goes on in the background while it serves. A
 * catch-up that fails (the peer's store or this one failing, a timeout, the peer lost mid-way) is
 * retried with the peer after a growing delay ({@link #RETRY_FIRST} doubling to {@link #RETRY_MAX},
 * jittered: {@link Backoff}) until it succeeds or the peer leaves the cluster; each failure is
 * logged in one line and counted ({@link #catchUpFailures()}, {@link #peersAwaitingRetry()}). A
 * retry skips the slices the failed attempt stored, which compare equal now.
 */
public final class ClusterSync {
  private static final Logger log = LoggerFactory.getLogger(ClusterSync.class);
  private static final int CHUNK = 1_000;

  private final ClusterMember member;
  private final IMap<String, String> events;
  private final ITopic<String> announced;
  private final boolean sharedStore;
  private final IMap<String, String> nodes;
  private final FleetState fleet;
  private final HistoryStore history;
  private final Function<List<RotationEvent>, CompletableFuture<List<RotationEvent>>> ingest;
  private final Consumer<RotationEvent> count;
  private final WireCodec codec = new WireCodec();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final Duration retention;
  private final HistoryCatchUp catchUp;
  private final AtomicReference<HistoryCatchUp.Exchange> exchanged =
      new AtomicReference<>(HistoryCatchUp.Exchange.NONE);

  /** The catch-up thread: pulls from peers and their retries, one at a time. */
  private final ScheduledExecutorService catchUps =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("fleetrotate-cluster-catch-up"));

  /**
   * Takes what departed members left in the relay, on a thread of its own: iterating the relay
   * while the cluster splits or merges can wait for minutes on Hazelcast's retries, and must not
   * hold up the catch-ups meanwhile.
   */
  private final ExecutorService relayTakes =
      Executors.newSingleThreadExecutor(DaemonThreads.named("fleetrotate-cluster-relay"));

  /** Peers owed a catch-up that has not succeeded yet, by member id; changed on catchUps only. */
  private final Map<UUID, PeerCatchUp> owed = new ConcurrentHashMap<>();

  private final AtomicLong failures = new AtomicLong();

  /**
   * @param retention how far back the catch-up compares histories
   * @param sharedStore every member uses the same database: events are announced, not replicated
   * @param ingest stores events that came from another coordinator and counts the new ones, without
   *     publishing them again (embedded store)
   * @param count counts an event another coordinator stored in the shared database
   */
  public ClusterSync(
      ClusterMember member,
      FleetState fleet,
      HistoryStore history,
      Duration retention,
      boolean sharedStore,
      Function<List<RotationEvent>, CompletableFuture<List<RotationEvent>>> ingest,
      Consumer<RotationEvent> count) {
    this.member = member;
    this.retention = retention;
    this.catchUp = new HistoryCatchUp(member.hazelcast(), history, ingest);
    this.sharedStore = sharedStore;
    this.events = member.hazelcast().getMap(ClusterMember.EVENTS_MAP);
    this.announced = member.hazelcast().getTopic(ClusterMember.EVENTS_TOPIC);
    this.nodes = member.hazelcast().getMap(ClusterMember.NODES_MAP);
    this.fleet = fleet;
    this.history = history;
    this.ingest = ingest;
    this.count = count;
  }

  /**
   * Listens to the other coordinators, takes the cluster's node states, and catches up history with
   * the other members (waiting up to {@link #START_CATCH_UP_SECONDS} for it).
   */
  public void start() {
    if (sharedStore) {
      announced.addMessageListener(this::announcement);
    } else {
      catchUp.serve();
      events.addEntryListener(
          (EntryAddedListener<String, String>) this::remoteEvent, /* includeValue */ true);
      member.hazelcast().getCluster().addMembershipListener(new Peers());
      member
          .hazelcast()
          .getLifecycleService()
          .addLifecycleListener(
              e -> {
                if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                  catchUpWithEveryPeer("the cluster merged");
                }
              });
    }
    nodes.addEntryListener(new NodeListener(), true);
    int nodesFromCluster = mergeNodes();
    log.info(
        "cluster of {} member(s), history {}: took {} nodes from it",
        member.members(),
        sharedStore ? "in the shared database" : "in each member's store, caught up from peers",
        nodesFromCluster);
    if (!sharedStore) {
      awaitStartCatchUp(catchUpWithEveryPeer("this coordinator started"));
    }
  }

  /**
   * Waits up to {@link #START_CATCH_UP_SECONDS} for the start's catch-up, so that a coordinator
   * that answers serves the whole history, as long as that is quick; a large one (an empty member
   * joining millions of events) goes on in the background while this coordinator serves.
   */
  private void awaitStartCatchUp(List<? extends Future<?>> pulls) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_CATCH_UP_SECONDS);
    for (Future<?> pull : pulls) {
      try {
        pull.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        log.info(
            "history catch-up goes on in the background after {} s; serving meanwhile",
            START_CATCH_UP_SECONDS);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // Logged by the pull itself.
      }
    }
  }

  /** What the catch-ups of this member took from its peers so far. */
  HistoryCatchUp.Exchange exchanged() {
    return exchanged.get();
  }

  private List<CompletableFuture<Void>> catchUpWithEveryPeer(String why) {
    List<CompletableFuture<Void>> pulls = new ArrayList<>();
    for (Member peer : member.hazelcast().getCluster().getMembers()) {
      if (!peer.localMember()) {
        pulls.add(catchUpWith(peer, why));
      }
    }
    return pulls;
  }

  /**
   * Pulls, in the background, what {@code peer} holds that this store lacks; retried after a
   * failure until it succeeds or the peer leaves. A catch-up already owed to the peer (waiting for
   * its retry) runs now instead.
   *
   * @return completes when the catch-up succeeded, or was given up (the peer left, or did not serve
   *     its store within {@link #CATCH_UP_WAIT_MINUTES})
   */
  private CompletableFuture<Void> catchUpWith(Member peer, String why) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      catchUps.execute(
          () -> {
            PeerCatchUp c = owed.computeIfAbsent(peer.getUuid(), id -> new PeerCatchUp(peer));
            c.why = why;
            c.done.whenComplete((ok, error) -> done.complete(null));
            if (c.retry != null) {
              c.retry.cancel(false);
            }
            attempt(c);
          });
    } catch (RejectedExecutionException closed) {
      done.complete(null); // stopping: nothing to catch up for
    }
    return done;
  }

  /** One exchange with the peer, on the catch-up thread; schedules the next when it fails. */
  private void attempt(PeerCatchUp c) {
    c.retry = null;
    if (!isMember(c.peer)) {
      giveUp(c);
      return;
    }
    try {
      // A peer slow to answer (a long history, a loaded host) gets more time at each retry.
      Duration callTimeout =
          CALL_TIMEOUT.multipliedBy(1L << Math.min(c.backoff.failures(), CALL_TIMEOUT_DOUBLINGS));
      HistoryCatchUp.Exchange got = catchUp.pullFrom(c.peer, since(), callTimeout);
      if (got == null) {
        // It is starting: its store is not registered yet. Not a failure; asked again shortly.
        if (c.notServingSince == 0) {
          c.notServingSince = System.nanoTime();
          log.info(
              "member {} does not serve its history yet (it is starting); asking again every {} ms",
              c.peer.getAddress(),
              NOT_SERVING_RETRY_MS);
        }
        long notServing = System.nanoTime() - c.notServingSince;
        if (notServing > TimeUnit.MINUTES.toNanos(CATCH_UP_WAIT_MINUTES)) {
          log.warn(
              "member {} did not serve its history within {} min; not caught up with it",
              c.peer.getAddress(),
              CATCH_UP_WAIT_MINUTES);
          giveUp(c);
        } else {
          c.retry = schedule(c, Duration.ofMillis(NOT_SERVING_RETRY_MS));
        }
        return;
      }
      c.notServingSince = 0;
      exchanged.accumulateAndGet(got, HistoryCatchUp.Exchange::plus);
      log.info(
          "caught up history with member {} ({}{}): {} slices differed, {} events read in {}"
              + " pages, {} new, in {} ms (longest exchange so far {} ms)",
          c.peer.getAddress(),
          c.why,
          c.backoff.failures() == 0 ? "" : ", after " + c.backoff.failures() + " failed attempts",
          got.slicesDiffering(),
          got.transferred(),
          got.pages(),
          got.added(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.started),
          TimeUnit.NANOSECONDS.toMillis(catchUp.longestCallNanos()));
      giveUp(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (Exception failed) {
      Exception e = failed;
      if (failed instanceof HistoryCatchUp.PartialException partial) {
        // What it read before failing counts too: the retry skips the slices it stored.
        exchanged.accumulateAndGet(partial.took(), HistoryCatchUp.Exchange::plus);
        e = (Exception) partial.getCause();
      }
      if (!member.hazelcast().getLifecycleService().isRunning()) {
        giveUp(c); // this member is stopping: its catch-ups end with it
        return;
      }
      failures.incrementAndGet();
      Duration wait = c.backoff.next();
      if (isMember(c.peer)) {
        log.warn(
            "history catch-up with member {} ({}) failed, attempt {}: {}; retrying in {} ms",
            c.peer.getAddress(),
            c.why,
            c.backoff.failures(),
            rootCause(e),
            wait.toMillis());
        c.retry = schedule(c, wait);
      } else {
        log.warn(
            "history catch-up with member {} ({}) failed, attempt {}: {}; it left the cluster,"
                + " so it is not retried",
            c.peer.getAddress(),
            c.why,
            c.backoff.failures(),
            rootCause(e));
        giveUp(c);
      }
    }
  }

  private ScheduledFuture<?> schedule(PeerCatchUp c, Duration wait) {
    try {
      return catchUps.schedule(() -> attempt(c), wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      giveUp(c);
      return null;
    }
  }

  /** Forgets the peer's catch-up: it succeeded, or is not owed any longer. */
  private void giveUp(PeerCatchUp c) {
    owed.remove(c.peer.getUuid(), c);
    if (c.retry != null) {
      c.retry.cancel(false);
      c.retry = null;
    }
    c.done.complete(null);
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + cause;
  }

  /** How many catch-ups with a peer failed, since this member started. */
  public long catchUpFailures() {
    return failures.get();
  }

  /** How many events the catch-ups read from peers, failed ones included, since this started. */
  public long catchUpEventsRead() {
    return exchanged.get().transferred();
  }

  /** The longest single exchange of a catch-up with a peer since this member started. */
  public Duration longestCatchUpCall() {
    return Duration.ofNanos(catchUp.longestCallNanos());
  }

  /** How many peers' catch-ups failed and wait for their retry. */
  public int peersAwaitingRetry() {
    int n = 0;
    for (PeerCatchUp c : owed.values()) {
      if (c.retry != null && c.backoff.failures() > 0) {
        n++;
      }
    }
    return n;
  }

  /** A peer's catch-up until it succeeds: its failures so far and its scheduled retry. */
  private static final class PeerCatchUp {
    final Member peer;
    final long started = System.nanoTime();
    final Backoff backoff = new Backoff(RETRY_FIRST, RETRY_MAX);
    final CompletableFuture<Void> done = new CompletableFuture<>();
    String why;
    long notServingSince;
    volatile ScheduledFuture<?> retry;

    PeerCatchUp(Member peer) {
      this.peer = peer;
    }
  }

  /**
   * Stores what the relay holds and this store lacks: events whose member left before every
   * listener heard of them. As many as the relay's bound, a page at a time.
   */
  private void takeTheRelay() {
    submit(
        relayTakes,
        () -> {
          long added = 0;
          List<RotationEvent> page = new ArrayList<>(CHUNK);
          for (Iterator<Map.Entry<String, String>> it = events.iterator(CHUNK); it.hasNext(); ) {
            String json = it.next().getValue();
            if (json != null) { // an entry without its value, seen while the cluster merged
              decodeEvent(json).ifPresent(page::add);
            }
            if (!page.isEmpty() && (page.size() == CHUNK || !it.hasNext())) {
              added += ingest.apply(page).get(5, TimeUnit.MINUTES).size();
              page = new ArrayList<>(CHUNK);
            }
          }
          if (added > 0) {
            log.info("took {} events a departed member left in the relay", added);
          }
        },
        "take the relay's events");
  }

  private Future<?> submit(ExecutorService executor, Work work, String what) {
    Runnable logged =
        () -> {
          try {
            work.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Exception e) {
            if (member.hazelcast().getLifecycleService().isRunning()) {
              log.warn("could not {}: {}", what, e.toString());
            }
          }
        };
    try {
      return executor.submit(logged);
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.completedFuture(null); // stopping: nothing to catch up for
    }
  }

  private Instant since() {
    Instant now = fleet.clock().instant();
    // Whole hours, so the members slice alike; the oldest hour is left to the retention sweep.
    long start = now.minus(retention).getEpochSecond();
    return Instant.ofEpochSecond(Math.floorDiv(start, 3600) * 3600 + 3600);
  }

  private boolean isMember(Member peer) {
    return member.hazelcast().getLifecycleService().isRunning()
        && member.hazelcast().getCluster().getMembers().contains(peer);
  }

  /** Stops catching up; the member and the store are closed by their owner. */
  public void close() {
    catchUps.shutdownNow();
    relayTakes.shutdownNow();
  }

  private final class Peers implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent e) {
      catchUpWith(e.getMember(), "it joined");
    }

    @Override
    public void memberRemoved(MembershipEvent e) {
      takeTheRelay();
      forget(e.getMember());
    }
  }

  /** Stops retrying a catch-up with a member that left. */
  private void forget(Member peer) {
    try {
      catchUps.execute(
          () -> {
            PeerCatchUp c = owed.get(peer.getUuid());
            if (c != null) {
              log.info(
                  "member {} left; its history catch-up ({} failed attempts) is not retried",
                  peer.getAddress(),
                  c.backoff.failures());
              giveUp(c);
            }
          });
    } catch (RejectedExecutionException closed) {
      // stopping
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  private static final long CATCH_UP_WAIT_MINUTES = 10;
  private static final long START_CATCH_UP_SECONDS = 60;
  private static final long NOT_SERVING_RETRY_MS = 500;
  static final Duration RETRY_FIRST = Duration.ofSeconds(1);
  static final Duration RETRY_MAX = Duration.ofSeconds(60);

  /** How long one exchange of a catch-up may take at first: 30 s, then 60 s, then 120 s. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private static final int CALL_TIMEOUT_DOUBLINGS = 2;

  private int mergeNodes() {
    int nodesFromCluster = 0;
    for (String json : nodes.values()) {
      try {
        SavedNode n = SavedNodeJson.decode(json);
        fleet.restore(n.heartbeat(), n.receivedAt(), n.interval());
        nodesFromCluster++;
      } catch (IllegalArgumentException e) {
        log.warn("skipping an unreadable node from the cluster: {}", e.getMessage());
      }
    }
    fleet.nodes().forEach(n -> dirty.add(n.nodeId()));
    flushNodes();
    return nodesFromCluster;
  }

  /**
   * Publishes events that were new here. With the embedded store the returned stage completes once
   * the cluster holds them (the owner and its synchronous backup), so an acknowledged event
   * survives the loss of this coordinator; it completes normally after a failure too (logged),
   * because the local store already made the events durable and shares them again when this
   * coordinator restarts. With the shared database the events are durable for every member already:
   * they are announced, and the stage is complete at once.
   */
  public CompletableFuture<Void> publish(List<RotationEvent> fresh) {
    if (fresh.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (sharedStore) {
      String json = new String(codec.encodeEvents(fresh), StandardCharsets.UTF_8);
      ClusterMember.started(() -> announced.publishAsync(json))
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  log.warn(
                      "could not announce {} events to the cluster: {}",
                      fresh.size(),
                      error.toString());
                }
              });
      return CompletableFuture.completedFuture(null);
    }
    Map<String, String> batch = new HashMap<>();
    for (RotationEvent e : fresh) {
      batch.put(e.eventId().toString(), new String(codec.encode(e), StandardCharsets.UTF_8));
    }
    return ClusterMember.started(() -> events.putAllAsync(batch))
        .orTimeout(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .handle(
            (ok, error) -> {
              if (error != null) {
                log.warn(
                    "could not share {} events with the cluster: {}",
                    batch.size(),
                    error.toString());
              }
              return null;
            });
  }

  private static final long PUBLISH_TIMEOUT_SECONDS = 5;

  /** Marks a node whose heartbeat arrived here, for the next {@link #flushNodes()}. */
  public void nodeUpdated(TrackedNode node) {
    dirty.add(node.nodeId());
  }

  /** Puts every dirty node into the cluster. */
  public void flushNodes() {
    if (dirty.isEmpty() || !member.hazelcast().getLifecycleService().isRunning()) {
      return;
    }
    Map<String, String> batch = new HashMap<>();
    for (var it = dirty.iterator(); it.hasNext(); ) {
      String id = it.next();
      it.remove();
      fleet
          .node(id)
          .ifPresent(
              n ->
                  batch.put(
                      id,
                      SavedNodeJson.encode(
                          new SavedNode(n.heartbeat(), n.lastHeartbeat(), n.heartbeatInterval()))));
    }
    putInChunks(nodes, batch);
  }

  /** Events another member stored in the shared database: counted here, not stored again. */
  private void announcement(Message<String> m) {
    if (m.getPublishingMember() != null && m.getPublishingMember().localMember()) {
      return;
    }
    try {
      codec.decodeEvents(m.getMessageObject()).forEach(count);
    } catch (WireFormatException e) {
      log.warn("skipping an unreadable event announcement from the cluster: {}", e.getMessage());
    }
  }

  private void remoteEvent(EntryEvent<String, String> e) {
    if (e.getMember().localMember()) {
      return;
    }
    decodeEvent(e.getValue())
        .filter(ev -> !history.contains(ev))
        .ifPresent(
            ev ->
                ingest
                    .apply(List.of(ev))
                    .whenComplete(
                        (ok, error) -> {
                          if (error != null) {
                            log.warn(
                                "could not store an event from the cluster: {}", error.toString());
                          }
                        }));
  }

  private final class NodeListener
      implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      remoteNode(e);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      remoteNode(e);
    }

    private void remoteNode(EntryEvent<String, String> e) {
      if (e.getMember().localMember()) {
        return;
      }
      try {
        SavedNode n = SavedNodeJson.decode(e.getValue());
        fleet.restore(n.heartbeat(), n.receivedAt(), n.interval());
      } catch (IllegalArgumentException ex) {
        log.warn("skipping an unreadable node from the cluster: {}", ex.getMessage());
      }
    }
  }

  private Optional<RotationEvent> decodeEvent(String json) {
    try {
      return Optional.of(codec.decodeEvent(json));
    } catch (WireFormatException e) {
      log.warn("skipping an unreadable event from the cluster: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private static void putInChunks(IMap<String, String> map, Map<String, String> entries) {
    Map<String, String> chunk = new HashMap<>();
    for (Map.Entry<String, String> e : entries.entrySet()) {
      chunk.put(e.getKey(), e.getValue());
      if (chunk.size() == CHUNK) {
        map.putAll(chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      map.putAll(chunk);
    }
  }
}
