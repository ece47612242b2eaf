package io.fleetrotate.coordinator.alert;

/**
 * What an alert is about: one rule, one node, and the mount or file it concerns (empty when the
 * rule is about the node as a whole). An alert with the same key fires once until it resolves.
 */
public record AlertKey(String rule, String node, String subject) {}
