package io.fleetrotate.coordinator.advice;

import io.fleetrotate.config.advice.GrowthRecord;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hourly growth of every node's files, from the sizes their heartbeats report. A week of hours
 * per file (primitive longs: about 1.3 KB a file); a file a heartbeat no longer lists is dropped.
 * In memory only: after a restart the advice rests on the hours since.
 */
public final class FleetGrowth {
  static final int HOURS_KEPT = 7 * 24;

  private final Map<String, Map<String, GrowthRecord>> byNode = new ConcurrentHashMap<>();

  /** Records the sizes of the node's last heartbeat; for {@code FleetState.onHeartbeat}. */
  public void heartbeat(TrackedNode node) {
    NodeHeartbeat hb = node.heartbeat();
    if (hb == null) {
      return;
    }
    Instant at = node.lastHeartbeat();
    Map<String, GrowthRecord> files =
        byNode.computeIfAbsent(node.nodeId(), k -> new ConcurrentHashMap<>());
    Set<String> listed = new HashSet<>();
    for (FileStatus f : hb.files()) {
      listed.add(f.path());
      files.computeIfAbsent(f.path(), k -> new GrowthRecord(HOURS_KEPT)).observe(f.sizeBytes(), at);
    }
    files.keySet().retainAll(listed);
  }

  /** The file's growth samples, if enough has been seen. */
  public Optional<GrowthRecord.Samples> samples(String nodeId, String path) {
    Map<String, GrowthRecord> files = byNode.get(nodeId);
    GrowthRecord r = files == null ? null : files.get(path);
    return r == null ? Optional.empty() : r.samples();
  }
}
