package io.fleetrotate.agent.report;

import io.fleetrotate.agent.config.NodeConfig;
import io.fleetrotate.agent.daemon.FileReport;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.WireLimits;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a {@link NodeHeartbeat} from the agent's file reports. */
final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  private Heartbeats() {}

  /**
   * One entry per log mount (the files of a mount share one {@link DiskUsage}) and one per file,
   * within the wire limits, and the lock service's state ({@code lock}; null leaves it out). Reads
   * each mount's usage now, so call it off the rotation worker.
   */
  static NodeHeartbeat build(
      NodeConfig node,
      String agentVersion,
      Instant sentAt,
      List<FileReport> reports,
      LockState lock) {
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<FileStatus> files = new ArrayList<>();
    for (FileReport r : reports) {
      mounts.putIfAbsent(r.mount(), r.path());
      if (files.size() < WireLimits.MAX_FILES) {
        try {
          files.add(status(r));
        } catch (IllegalArgumentException e) {
          log.debug("leaving {} out of the heartbeat: {}", r.path(), e.getMessage());
        }
      }
    }
    List<DiskUsage> disks = new ArrayList<>();
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      if (disks.size() == WireLimits.MAX_DISKS) {
        break;
      }
      try {
        disks.add(usage(m.getKey(), m.getValue()));
      } catch (IOException | IllegalArgumentException e) {
        log.debug("leaving mount {} out of the heartbeat: {}", m.getKey(), e.getMessage());
      }
    }
    return new NodeHeartbeat(
        ProtocolVersion.CURRENT, node.id(), node.group(), agentVersion, sentAt, disks, files, lock);
  }

  private static FileStatus status(FileReport r) {
    double growth = r.growthBytesPerSecond();
    return new FileStatus(
        r.path().toString(),
        r.sizeBytes(),
        Double.isFinite(growth) ? growth : 0,
        r.backupCount(),
        r.backupBytes(),
        r.lastRotation().orElse(null),
        r.lastResult().map(Heartbeats::result).orElse(null));
  }

  private static Result result(String name) {
    try {
      return Result.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Used counts space reserved for root, as df and the agent's disk ratio do. */
  private static DiskUsage usage(String mount, Path file) throws IOException {
    FileStore store = Files.getFileStore(file);
    long total = store.getTotalSpace();
    long used = Math.max(0, total - store.getUnallocatedSpace());
    return new DiskUsage(mount, total, Math.min(used, total));
  }
}
