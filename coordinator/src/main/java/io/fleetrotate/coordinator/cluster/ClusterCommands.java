package io.fleetrotate.coordinator.cluster;

import com.hazelcast.map.IMap;
import io.fleetrotate.coordinator.fleet.PendingCommands;
import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.HeartbeatReply;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending rotate-now commands in a replicated IMap (backup count 1) keyed by node id, each value
 * the heartbeat reply that will carry the node's commands, oldest first. Any coordinator queues,
 * and the one the node's heartbeat reaches takes them with {@code remove(nodeId)}: one atomic
 * operation on the key's owner, so exactly one heartbeat gets them. Queuing is a compare-and-set on
 * the same key, so the per-node limit holds across the cluster. The map holds strings only: nothing
 * the member's serialization filter would have to let through.
 */
public final class ClusterCommands implements PendingCommands {
  private static final Logger log = LoggerFactory.getLogger(ClusterCommands.class);
  private static final long TAKE_TIMEOUT_SECONDS = 5;

  private final IMap<String, String> map;
  private final WireCodec codec = new WireCodec();

  public ClusterCommands(ClusterMember member) {
    this.map = member.hazelcast().getMap(ClusterMember.COMMANDS_MAP);
  }

  @Override
  public boolean offer(String nodeId, Command command, int max) {
    try {
      while (true) {
        String held = map.get(nodeId);
        List<Command> pending = held == null ? new ArrayList<>() : decode(nodeId, held);
        if (pending.size() >= max) {
          return false;
        }
        pending.add(command);
        String next = encode(pending);
        boolean stored =
            held == null ? map.putIfAbsent(nodeId, next) == null : map.replace(nodeId, held, next);
        if (stored) {
          return true;
        }
        // Another coordinator queued or a heartbeat took the commands in between: read again.
      }
    } catch (RuntimeException e) {
      // A member leaving, a timeout, this member shutting down: answered 503, retry later.
      throw new UncheckedIOException(
          new IOException("the cluster did not take the command: " + e.getMessage(), e));
    }
  }

  @Override
  public CompletionStage<List<Command>> take(String nodeId) {
    return ClusterMember.started(() -> map.removeAsync(nodeId))
        .orTimeout(TAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .handle(
            (held, error) -> {
              if (error != null) {
                // The commands stay queued (or, after a timeout, may have been taken unanswered).
                log.warn(
                    "could not take node {}'s pending commands from the cluster: {}",
                    nodeId,
                    error.toString());
                return List.of();
              }
              return held == null ? List.of() : decode(nodeId, held);
            });
  }

  @Override
  public int count(String nodeId) {
    String held = map.get(nodeId);
    return held == null ? 0 : decode(nodeId, held).size();
  }

  /** The commands as the heartbeat reply that will carry them: the wire format, checked on read. */
  private String encode(List<Command> commands) {
    return new String(
        codec.encode(new HeartbeatReply(ProtocolVersion.CURRENT, Instant.now(), commands)),
        StandardCharsets.UTF_8);
  }

  /** The commands in {@code held}; unreadable (not written by a coordinator), none. */
  private List<Command> decode(String nodeId, String held) {
    try {
      return new ArrayList<>(codec.decodeReply(held).commands());
    } catch (WireFormatException e) {
      log.warn(
          "dropping node {}'s unreadable pending commands in the cluster: {}",
          nodeId,
          e.getMessage());
      return new ArrayList<>();
    }
  }
}
