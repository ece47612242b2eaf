package io.fleetrotate.coordinator.metrics;

import java.nio.charset.StandardCharsets;

/**
 * The families with a series per node (or per node and file), rendered from the fleet state. Each
 * is labelled first by {@code node}, then by {@link #labels}; its name is encoded once.
 */
enum NodeFamily {
  DISK_USED(
      "fleetrotate_node_disk_used_ratio",
      "gauge",
      "Used fraction of each node's log mounts",
      "group",
      "mount"),
  MISSED_HEARTBEATS(
      "fleetrotate_node_missed_heartbeats",
      "gauge",
      "Heartbeat intervals since the node's last heartbeat; stale from liveness.staleAfter,"
          + " down from liveness.downAfter",
      "group"),
  FILE_GROWTH(
      "fleetrotate_file_growth_bytes_per_second",
      "gauge",
      "Growth of each watched log as its agent reports it",
      "path"),
  ROTATIONS(
      "fleetrotate_rotations_total",
      "counter",
      "Rotations by node, group, result and failure reason; each event id counted once",
      "group",
      "result",
      "reason"),
  LOCK_AVAILABLE(
      "fleetrotate_lock_available",
      "gauge",
      "Per node, 1 while its agent reaches its lock service, 0 while its due logs wait for it;"
          + " only nodes whose agent reports it (protocol 1.1)",
      "backend"),
  SUCCESS_RATIO(
      "fleetrotate_node_rotation_success_ratio",
      "gauge",
      "Per node, successful over attempted rotations in the last hour; only nodes with attempts");

  final String metric;
  final String type;
  final String help;
  final byte[] name;

  /** The label names after {@code node}: at most three. */
  final String[] labels;

  NodeFamily(String metric, String type, String help, String... labels) {
    this.metric = metric;
    this.type = type;
    this.help = help;
    this.name = metric.getBytes(StandardCharsets.US_ASCII);
    this.labels = labels;
  }
}
