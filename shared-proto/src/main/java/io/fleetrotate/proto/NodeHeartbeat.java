package io.fleetrotate.proto;

import java.time.Instant;
import java.util.List;

/**
 * What an agent reports every heartbeat interval: who it is, its disks and its watched files.
 *
 * @param protocolVersion the sender's {@link ProtocolVersion}; its major must be this build's
 * @param nodeId the agent's node id, non-blank, at most 128 chars
 * @param group the rotation group whose lease the agent takes, non-blank, at most 128 chars
 * @param agentVersion the agent's build version, non-blank, at most 128 chars
 * @param sentAt when the agent sent it
 * @param disks at most 256 mounts holding watched files
 * @param files at most 10,000 watched files
 * @param lock the agent's lock service state, or null (agents before protocol 1.1)
 */
public record NodeHeartbeat(
    String protocolVersion,
    String nodeId,
    String group,
    String agentVersion,
    Instant sentAt,
    List<DiskUsage> disks,
    List<FileStatus> files,
    LockState lock) {
  public NodeHeartbeat {
    Rules.protocolVersion("protocolVersion", protocolVersion);
    Rules.id("nodeId", nodeId);
    Rules.id("group", group);
    Rules.text("agentVersion", agentVersion, WireLimits.MAX_ID_LENGTH);
    Rules.timestamp("sentAt", sentAt);
    disks = Rules.list("disks", disks, WireLimits.MAX_DISKS);
    files = Rules.list("files", files, WireLimits.MAX_FILES);
  }
}
