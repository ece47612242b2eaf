package io.fleetrotate.proto;

import java.time.Instant;
import java.util.List;

/**
 * The coordinator's answer to a heartbeat.
 *
 * @param protocolVersion the coordinator's {@link ProtocolVersion}
 * @param serverTime the coordinator's clock, so an agent can notice skew
 * @param commands at most 1,000 commands for the agent, usually none
 */
public record HeartbeatReply(String protocolVersion, Instant serverTime, List<Command> commands) {
  public HeartbeatReply {
    Rules.protocolVersion("protocolVersion", protocolVersion);
    Rules.timestamp("serverTime", serverTime);
    commands = Rules.list("commands", commands, WireLimits.MAX_COMMANDS);
  }
}
