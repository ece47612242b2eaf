package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.NodeHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node as the coordinator knows it: its last heartbeat, its learned heartbeat interval, its
 * pending commands and what its rotations add up to.
 *
 * <p>Kept compact (the goal is at most 4 KB of heap per node with 3 files): the heartbeat record is
 * kept as decoded, with its repeated strings (group, version, mounts, paths) shared between nodes
 * and heartbeats; commands and rotation tallies exist only once needed.
 */
public final class TrackedNode {
  static final int DEFAULT_INTERVAL_MILLIS = 15_000;
  private static final int GAPS_KEPT = 5;
  // Shorter gaps are retries or bursts, not the agent's rhythm.
  private static final int MIN_GAP_MILLIS = 200;

  private final String nodeId;
  private volatile NodeHeartbeat heartbeat;
  private volatile long receivedAtMillis;
  private volatile int intervalMillis = DEFAULT_INTERVAL_MILLIS;
  private volatile NodeRotations rotations;
  private boolean counted; // guarded by this: FleetState has counted this node among the reporting

  // Guarded by this.
  private int[] gaps;
  private int gapCount;
  private double tokens = Double.NaN;
  private long tokensAtNanos;
  private ArrayDeque<Command> commands;

  TrackedNode(String nodeId) {
    this.nodeId = nodeId;
  }

  public String nodeId() {
    return nodeId;
  }

  /** True once a heartbeat arrived; a node known only from its rotation events has none. */
  public boolean hasHeartbeat() {
    return heartbeat != null;
  }

  /** The last heartbeat, or null before the first. */
  public NodeHeartbeat heartbeat() {
    return heartbeat;
  }

  /** When the coordinator received the last heartbeat (by its own clock). */
  public Instant lastHeartbeat() {
    return Instant.ofEpochMilli(receivedAtMillis);
  }

  long lastHeartbeatMillis() {
    return receivedAtMillis;
  }

  /** The node's heartbeat interval: the median of its last few gaps, 15 s until learned. */
  public Duration heartbeatInterval() {
    return Duration.ofMillis(intervalMillis);
  }

  int intervalMillis() {
    return intervalMillis;
  }

  /** The worst used ratio over the node's mounts, 0 without disks. */
  public double worstDiskUsedRatio() {
    NodeHeartbeat hb = heartbeat;
    double worst = 0;
    if (hb != null) {
      for (DiskUsage d : hb.disks()) {
        worst = Math.max(worst, d.usedRatio());
      }
    }
    return worst;
  }

  synchronized int pendingCommands() {
    return commands == null ? 0 : commands.size();
  }

  /**
   * The node's rotation counts by group, result and reason: an immutable list, the same one until a
   * count changes.
   */
  public List<RotationCount> rotationCounts() {
    NodeRotations r = rotations;
    return r == null ? List.of() : r.counts();
  }

  /** The latest rotation of each file the node reported events for. */
  public List<LastRotation> lastRotations() {
    NodeRotations r = rotations;
    return r == null ? List.of() : r.lastRotations();
  }

  /** Successes and failures over the hour up to {@code now}. */
  public SuccessTally lastHour(Instant now) {
    NodeRotations r = rotations;
    return r == null ? SuccessTally.NONE : r.lastHour(now.toEpochMilli());
  }

  // ---- updates, through FleetState ----

  /**
   * Records a heartbeat received at {@code nowMillis}, sharing strings with the previous one.
   * Returns false (and records nothing) if it is older than the one held.
   */
  synchronized boolean update(NodeHeartbeat hb, long nowMillis, Interner interner) {
    NodeHeartbeat previous = heartbeat;
    if (previous != null) {
      if (nowMillis < receivedAtMillis) {
        return false;
      }
      learnGap(nowMillis - receivedAtMillis);
    }
    heartbeat = compact(hb, previous, interner);
    receivedAtMillis = nowMillis;
    return true;
  }

  /** Restores state from a snapshot or a peer, if it is newer than what is held. */
  synchronized void restore(NodeHeartbeat hb, long receivedAt, int interval, Interner interner) {
    if (heartbeat != null && receivedAt <= receivedAtMillis) {
      return;
    }
    heartbeat = compact(hb, heartbeat, interner);
    receivedAtMillis = receivedAt;
    intervalMillis = interval;
  }

  private void learnGap(long gap) {
    if (gap < MIN_GAP_MILLIS) {
      return;
    }
    if (gaps == null) {
      gaps = new int[GAPS_KEPT];
    }
    gaps[gapCount % GAPS_KEPT] = (int) Math.min(gap, Integer.MAX_VALUE);
    gapCount++;
    int n = Math.min(gapCount, GAPS_KEPT);
    int[] sorted = Arrays.copyOf(gaps, n);
    Arrays.sort(sorted);
    // The median ignores one outage or one burst among the last five gaps.
    intervalMillis = sorted[n / 2];
  }

  /**
   * Takes one heartbeat token: a bucket of {@code perMinute} tokens refilled continuously. Returns
   * 0 if taken, else the whole seconds until one is available.
   */
  synchronized long takeHeartbeatToken(long nowNanos, int perMinute) {
    double perNano = perMinute / 60e9;
    if (Double.isNaN(tokens)) {
      tokens = perMinute;
    } else {
      tokens = Math.min(perMinute, tokens + (nowNanos - tokensAtNanos) * perNano);
    }
    tokensAtNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
  }

  /** True exactly once, on the first call after the node's first heartbeat. */
  synchronized boolean countOnce() {
    if (counted || heartbeat == null) {
      return false;
    }
    counted = true;
    return true;
  }

  synchronized boolean queue(Command command, int max) {
    if (commands == null) {
      commands = new ArrayDeque<>(2);
    }
    if (commands.size() >= max) {
      return false;
    }
    commands.add(command);
    return true;
  }

  /** Hands over the pending commands, once. */
  synchronized List<Command> drainCommands() {
    if (commands == null || commands.isEmpty()) {
      return List.of();
    }
    List<Command> out = new ArrayList<>(commands);
    commands = null;
    return out;
  }

  NodeRotations rotations() {
    NodeRotations r = rotations;
    if (r == null) {
      synchronized (this) {
        r = rotations;
        if (r == null) {
          r = new NodeRotations();
          rotations = r;
        }
      }
    }
    return r;
  }

  /** A copy of {@code hb} whose strings are shared with {@code previous} or other nodes. */
  private static NodeHeartbeat compact(
      NodeHeartbeat hb, NodeHeartbeat previous, Interner interner) {
    List<DiskUsage> disks = new ArrayList<>(hb.disks().size());
    for (int i = 0; i < hb.disks().size(); i++) {
      DiskUsage d = hb.disks().get(i);
      String mount = interner.intern(d.mount());
      disks.add(new DiskUsage(mount, d.totalBytes(), d.usedBytes()));
    }
    List<FileStatus> files = new ArrayList<>(hb.files().size());
    for (FileStatus f : hb.files()) {
      files.add(
          new FileStatus(
              interner.intern(f.path()),
              f.sizeBytes(),
              f.growthBytesPerSecond(),
              f.backupCount(),
              f.backupBytes(),
              f.lastRotation(),
              f.lastResult()));
    }
    String nodeId = previous != null ? previous.nodeId() : hb.nodeId();
    return new NodeHeartbeat(
        interner.intern(hb.protocolVersion()),
        nodeId,
        interner.intern(hb.group()),
        interner.intern(hb.agentVersion()),
        hb.sentAt(),
        disks,
        files,
        hb.lock() == null
            ? null
            : new LockState(interner.intern(hb.lock().backend()), hb.lock().unavailableSince()));
  }
}
