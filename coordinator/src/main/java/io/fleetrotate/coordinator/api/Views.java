package io.fleetrotate.coordinator.api;

import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.GroupSummary;
import io.fleetrotate.coordinator.fleet.NodeState;
import io.fleetrotate.coordinator.fleet.SuccessTally;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** The JSON the admin API answers with; the shapes are those of openapi.json. */
public final class Views {
  static final List<String> CSV_COLUMNS =
      List.of(
          "eventId",
          "node",
          "group",
          "path",
          "trigger",
          "startedAt",
          "finishedAt",
          "durationMs",
          "result",
          "reason",
          "bytesBefore",
          "bytesAfter",
          "codec",
          "lockBackend",
          "lockWaitMs",
          "fencingToken",
          "message");

  private Views() {}

  public static JsonObject rotation(RotationEvent e) {
    return new JsonObject()
        .put("eventId", e.eventId().toString())
        .put("node", e.nodeId())
        .put("group", e.group())
        .put("path", e.path())
        .put("trigger", e.trigger().name())
        .put("startedAt", e.startedAt().toString())
        .put("finishedAt", e.finishedAt().toString())
        .put("durationMs", e.duration().toMillis())
        .put("result", e.result().name())
        .put("reason", e.reason() == null ? null : e.reason().name())
        .put("message", e.message())
        .put("bytesBefore", e.bytesBefore())
        .put("bytesAfter", e.bytesAfter())
        .put("codec", e.codec())
        .put("lockBackend", e.lockBackend())
        .put("lockWaitMs", e.lockWaitMs())
        .put("fencingToken", e.fencingToken());
  }

  static void csvRow(StringBuilder out, RotationEvent e) {
    Object[] values = {
      e.eventId(),
      e.nodeId(),
      e.group(),
      e.path(),
      e.trigger(),
      e.startedAt(),
      e.finishedAt(),
      e.duration().toMillis(),
      e.result(),
      e.reason() == null ? "" : e.reason(),
      e.bytesBefore(),
      e.bytesAfter(),
      e.codec(),
      e.lockBackend(),
      e.lockWaitMs(),
      e.fencingToken(),
      e.message() == null ? "" : e.message()
    };
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      csvField(out, String.valueOf(values[i]));
    }
    out.append("\r\n");
  }

  static void csvHeader(StringBuilder out) {
    out.append(String.join(",", CSV_COLUMNS)).append("\r\n");
  }

  /**
   * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. A field a
   * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a
   * leading single quote first (OWASP CSV injection): node ids, paths and messages come from
   * agents.
   */
  static void csvField(StringBuilder out, String value) {
    if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
      value = "'" + value;
    }
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      out.append(value);
      return;
    }
    out.append('"').append(value.replace("\"", "\"\"")).append('"');
  }

  static JsonObject nodeSummary(FleetState fleet, TrackedNode n) {
    NodeHeartbeat hb = n.heartbeat();
    return new JsonObject()
        .put("nodeId", n.nodeId())
        .put("group", hb.group())
        .put("agentVersion", hb.agentVersion())
        .put("state", fleet.state(n).wireName())
        .put("lastHeartbeat", n.lastHeartbeat().toString())
        .put("heartbeatIntervalSeconds", n.heartbeatInterval().toMillis() / 1000.0)
        .put("worstDiskUsedRatio", n.worstDiskUsedRatio())
        .put("fullestDisk", fullestDisk(hb))
        .put("fileCount", hb.files().size())
        .put("lock", lock(hb.lock()));
  }

  /** The node's fullest mount, or null for a node reporting no disk. */
  private static JsonObject fullestDisk(NodeHeartbeat hb) {
    DiskUsage fullest = null;
    for (DiskUsage d : hb.disks()) {
      if (fullest == null || d.usedRatio() > fullest.usedRatio()) {
        fullest = d;
      }
    }
    return fullest == null ? null : disk(fullest);
  }

  /** Free is what the agent found unallocated: capacity minus use, root's reserve included. */
  private static JsonObject disk(DiskUsage d) {
    return new JsonObject()
        .put("mount", d.mount())
        .put("totalBytes", d.totalBytes())
        .put("usedBytes", d.usedBytes())
        .put("freeBytes", d.totalBytes() - d.usedBytes())
        .put("usedRatio", d.usedRatio());
  }

  /** Node counts by state, and their total. */
  public static JsonObject nodeCounts(Map<NodeState, Integer> counts) {
    JsonObject nodes = new JsonObject();
    int total = 0;
    for (NodeState state : NodeState.values()) {
      nodes.put(state.wireName(), counts.get(state));
      total += counts.get(state);
    }
    return nodes.put("total", total);
  }

  static JsonObject group(GroupSummary g) {
    return new JsonObject()
        .put("group", g.group())
        .put("nodes", nodeCounts(g.nodes()))
        .put(
            "lock",
            new JsonObject()
                .put("health", g.lockHealth().wireName())
                .put("backends", new JsonArray(g.lockBackends()))
                .put("nodesReporting", g.lockReporting())
                .put("nodesUnavailable", g.lockUnavailable())
                .put(
                    "unavailableSince",
                    g.lockUnavailableSince() == null ? null : g.lockUnavailableSince().toString()));
  }

  public static JsonObject nodeDetail(FleetState fleet, TrackedNode n, List<RotationEvent> recent) {
    NodeHeartbeat hb = n.heartbeat();
    JsonArray disks = new JsonArray();
    for (DiskUsage d : hb.disks()) {
      disks.add(disk(d));
    }
    JsonArray files = new JsonArray();
    for (FileStatus f : hb.files()) {
      files.add(
          new JsonObject()
              .put("path", f.path())
              .put("sizeBytes", f.sizeBytes())
              .put("growthBytesPerSecond", f.growthBytesPerSecond())
              .put("backupCount", f.backupCount())
              .put("backupBytes", f.backupBytes())
              .put("lastRotation", f.lastRotation() == null ? null : f.lastRotation().toString())
              .put("lastResult", f.lastResult() == null ? null : f.lastResult().name()));
    }
    JsonArray rotations = new JsonArray();
    recent.forEach(e -> rotations.add(rotation(e)));
    SuccessTally hour = n.lastHour(fleet.clock().instant());
    return nodeSummary(fleet, n)
        .put("sentAt", hb.sentAt().toString())
        .put("pendingCommands", fleet.pendingCommands(n.nodeId()))
        .put("successRatio1h", ratioOrNull(hour))
        .put("disks", disks)
        .put("files", files)
        .put("recentRotations", rotations);
  }

  public static JsonObject command(String nodeId, Command c) {
    return new JsonObject()
        .put("commandId", c.commandId().toString())
        .put("type", c.type().name())
        .put("nodeId", nodeId)
        .put("path", c.path());
  }

  /** The node's lock service as its agent last found it; null from agents before protocol 1.1. */
  static JsonObject lock(LockState l) {
    if (l == null) {
      return null;
    }
    return new JsonObject()
        .put("backend", l.backend())
        .put("available", l.available())
        .put("unavailableSince", l.available() ? null : l.unavailableSince().toString());
  }

  /** The fleet's rotation success over the last hour and day. */
  public static JsonObject rotationTotals(FleetState.FleetSummary s) {
    return new JsonObject()
        .put("successRatio1h", ratioOrNull(s.lastHour()))
        .put("successRatio24h", ratioOrNull(s.lastDay()))
        .put("lastHour", tally(s.lastHour()))
        .put("lastDay", tally(s.lastDay()));
  }

  public static Double ratioOrNull(SuccessTally t) {
    return t.attempts() == 0 ? null : t.ratio();
  }

  public static JsonObject tally(SuccessTally t) {
    return new JsonObject()
        .put("successes", t.successes())
        .put("failures", t.failures())
        .put("ratio", ratioOrNull(t));
  }
}
