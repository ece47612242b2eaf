package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.NodeHeartbeat;
import java.time.Duration;
import java.time.Instant;

/** A node's state as saved across restarts: its last heartbeat, when it came, its interval. */
public record SavedNode(NodeHeartbeat heartbeat, Instant receivedAt, Duration interval) {}
