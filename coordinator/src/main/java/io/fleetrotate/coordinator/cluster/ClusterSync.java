package io.fleetrotate.coordinator.cluster;

import com.hazelcast.core.EntryEvent;
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
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li><b>Embedded store</b> (one database file per coordinator): history is replicated. A new
 *       event stored locally is put into the events map (by event id, kept for the retention); the
 *       others' listeners store it in their own store (deduplicated like any delivery) and count it
 *       once. The acknowledgement waits for the map, so an acked event survives this member.
 *   <li><b>Shared store</b> (one PostgreSQL for every member): nothing is replicated. Each member
 *       writes to and reads from the database, whose unique index on the event id keeps one copy; a
 *       new event is only announced on a topic (held by no member) so that the others count it in
 *       their fleet state and metrics. A member that misses an announcement (it was starting, or
 *       partitioned) counts the event at its next start, when it reads the history back.
 *   <li>Heartbeats mark their node dirty; {@link #flushNodes()} (every second) puts the dirty
 *       nodes, so 20,000 heartbeats a second do not become 20,000 cluster writes.
 *   <li>At start, {@link #merge()} takes what the cluster holds (other members' data) and adds what
 *       only the local disk holds, so a coordinator that rejoins catches up, and one that starts
 *       first seeds the cluster from its disk.
 * </ul>
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

  /**
   * @param sharedStore every member uses the same database: events are announced, not replicated
   * @param ingest stores events that came from another coordinator and counts the new ones, without
   *     publishing them again (embedded store)
   * @param count counts an event another coordinator stored in the shared database
   */
  public ClusterSync(
      ClusterMember member,
      FleetState fleet,
      HistoryStore history,
      boolean sharedStore,
      Function<List<RotationEvent>, CompletableFuture<List<RotationEvent>>> ingest,
      Consumer<RotationEvent> count) {
    this.member = member;
    this.sharedStore = sharedStore;
    this.events = member.hazelcast().getMap(ClusterMember.EVENTS_MAP);
    this.announced = member.hazelcast().getTopic(ClusterMember.EVENTS_TOPIC);
    this.nodes = member.hazelcast().getMap(ClusterMember.NODES_MAP);
    this.fleet = fleet;
    this.history = history;
    this.ingest = ingest;
    this.count = count;
  }

  /** Listens to the other coordinators, then merges what the cluster and the disk hold. */
  public void start() throws Exception {
    if (sharedStore) {
      announced.addMessageListener(this::announcement);
    } else {
      events.addEntryListener(
          (EntryAddedListener<String, String>) this::remoteEvent, /* includeValue */ true);
    }
    nodes.addEntryListener(new NodeListener(), true);
    int[] exchanged = sharedStore ? new int[2] : mergeEvents();
    int nodesFromCluster = mergeNodes();
    log.info(
        "cluster of {} member(s), history {}: took {} events and {} nodes from it, gave it {}"
            + " events",
        member.members(),
        sharedStore ? "in the shared database" : "replicated",
        exchanged[0],
        nodesFromCluster,
        exchanged[1]);
  }

  /** Takes the events only the cluster holds, gives it those only the disk holds. */
  private int[] mergeEvents() throws Exception {
    List<RotationEvent> remote = new ArrayList<>();
    for (Map.Entry<String, String> e : events.entrySet()) {
      decodeEvent(e.getValue()).filter(ev -> !history.contains(ev)).ifPresent(remote::add);
    }
    for (int i = 0; i < remote.size(); i += CHUNK) {
      ingest.apply(remote.subList(i, Math.min(remote.size(), i + CHUNK))).get();
    }
    Set<String> known = events.keySet();
    Map<String, String> missing = new HashMap<>();
    history.forEachSince(
        Instant.EPOCH,
        e -> {
          String id = e.eventId().toString();
          if (!known.contains(id)) {
            missing.put(id, new String(codec.encode(e), StandardCharsets.UTF_8));
          }
        });
    putInChunks(events, missing);
    return new int[] {remote.size(), missing.size()};
  }

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
        .orTimeout(PUBLISH_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
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
