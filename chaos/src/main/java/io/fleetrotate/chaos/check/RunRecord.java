package io.fleetrotate.chaos.check;

import io.fleetrotate.chaos.fleet.Rotation;
import java.util.List;

/**
 * The history of one scenario: the coordinator's rotation history and what every node recorded.
 *
 * @param history every rotation the coordinator holds
 * @param nodes one record per node
 */
public record RunRecord(List<Rotation> history, List<NodeRecord> nodes) {}
