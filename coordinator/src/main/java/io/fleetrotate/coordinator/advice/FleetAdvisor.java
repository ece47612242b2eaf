package io.fleetrotate.coordinator.advice;

import io.fleetrotate.config.advice.Advice;
import io.fleetrotate.config.advice.AdvicePolicy;
import io.fleetrotate.config.advice.GrowthAdvisor;
import io.fleetrotate.config.advice.GrowthRecord;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The growth advisor over the fleet: for each file of the nodes asked about, its measured growth
 * and its mount as the last heartbeat found it. Served by {@code GET /api/v1/advice} and the MCP
 * tool {@code recommend_policy}.
 */
public final class FleetAdvisor {
  private final FleetState fleet;
  private final FleetGrowth growth;
  private final AdvicePolicy policy;

  public FleetAdvisor(FleetState fleet, FleetGrowth growth, AdvicePolicy policy) {
    this.fleet = fleet;
    this.growth = growth;
    this.policy = policy;
  }

  /**
   * One file's advice, or why there is none.
   *
   * @param advice empty when {@code note} says why
   */
  public record FileAdvice(
      String nodeId,
      String group,
      String path,
      String mount,
      Optional<Advice> advice,
      String note) {}

  /**
   * Advice for the files that match; each filter null for "any".
   *
   * @throws IllegalArgumentException naming the filter when the node or file is not known
   */
  public List<FileAdvice> advise(String nodeId, String path, String group) {
    List<TrackedNode> nodes = new ArrayList<>();
    if (nodeId != null) {
      nodes.add(
          fleet
              .node(nodeId)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "node: no node " + nodeId + " has sent a heartbeat; check the node id")));
    } else {
      nodes.addAll(fleet.nodes());
    }
    nodes.sort(Comparator.comparing(TrackedNode::nodeId));
    List<FileAdvice> out = new ArrayList<>();
    for (TrackedNode n : nodes) {
      NodeHeartbeat hb = n.heartbeat();
      if (group != null && !group.equals(hb.group())) {
        continue;
      }
      for (FileStatus f : hb.files()) {
        if (path == null || path.equals(f.path())) {
          out.add(adviseFile(n.nodeId(), hb, f));
        }
      }
    }
    if (path != null && out.isEmpty()) {
      throw new IllegalArgumentException(
          "path: no "
              + (nodeId == null ? "node" : "node " + nodeId)
              + " reports a watched file "
              + path
              + "; write the path as the node's heartbeat lists it");
    }
    return out;
  }

  private FileAdvice adviseFile(String nodeId, NodeHeartbeat hb, FileStatus f) {
    Optional<DiskUsage> disk = mountOf(f.path(), hb.disks());
    String mount = disk.map(DiskUsage::mount).orElse(null);
    if (disk.isEmpty() || disk.get().totalBytes() <= 0) {
      return new FileAdvice(
          nodeId, hb.group(), f.path(), mount, Optional.empty(), "the node reports no disk for it");
    }
    Optional<GrowthRecord.Samples> samples = growth.samples(nodeId, f.path());
    if (samples.isEmpty()) {
      return new FileAdvice(
          nodeId,
          hb.group(),
          f.path(),
          mount,
          Optional.empty(),
          "no growth measured yet: the coordinator needs heartbeats spanning a minute or more");
    }
    DiskUsage d = disk.get();
    Advice a =
        GrowthAdvisor.advise(
            samples.get().hourlyGrowth(),
            samples.get().hoursMeasured(),
            new GrowthAdvisor.Mount(d.totalBytes(), d.usedBytes()),
            new GrowthAdvisor.Footprint(f.sizeBytes(), f.backupBytes()),
            policy);
    return new FileAdvice(nodeId, hb.group(), f.path(), mount, Optional.of(a), null);
  }

  /** The mount holding {@code path}: the longest reported mount point that contains it. */
  public static Optional<DiskUsage> mountOf(String path, List<DiskUsage> disks) {
    DiskUsage best = null;
    for (DiskUsage d : disks) {
      String m = d.mount();
      boolean contains =
          m.equals("/")
              || path.equals(m)
              || (path.startsWith(m) && path.charAt(m.length()) == '/')
              || (m.endsWith("/") && path.startsWith(m));
      if (contains && (best == null || m.length() > best.mount().length())) {
        best = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The JSON both the API and the MCP tool answer with. */
  public static JsonObject json(FileAdvice f) {
    JsonObject out =
        new JsonObject()
            .put("node", f.nodeId())
            .put("group", f.group())
            .put("path", f.path())
            .put("mount", f.mount());
    if (f.advice().isEmpty()) {
      return out.put("advice", null).put("note", f.note());
    }
    Advice a = f.advice().get();
    return out.put(
        "advice",
        new JsonObject()
            .put("maxSizeBytes", a.maxSizeBytes())
            .put("keep", a.keep())
            .put("maxTotalSizeBytes", a.maxTotalSizeBytes())
            .put("p50BytesPerHour", a.p50BytesPerHour())
            .put("p95BytesPerHour", a.p95BytesPerHour())
            .put("hoursMeasured", a.hoursMeasured())
            .put("peakUsedRatio", a.peakUsedRatio())
            .put("fitsTarget", a.fitsTarget())
            .put(
                "reasons",
                new JsonObject()
                    .put("maxSize", a.maxSizeReason())
                    .put("keep", a.keepReason())
                    .put("maxTotalSize", a.maxTotalSizeReason()))
            .put("basis", a.basis())
            .put("yaml", a.yaml()));
  }
}
