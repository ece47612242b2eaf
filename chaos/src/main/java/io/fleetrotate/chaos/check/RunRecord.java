package io.fleetrotate.chaos.check;

import io.fleetrotate.chaos.fleet.Rotation;
import java.util.List;

/**
 * The history of one scenario: the coordinator's rotation history, what every node recorded, and
 * when the harness made the lock service unreachable.
 *
 * @param history every rotation the coordinator holds
 * @param nodes one record per node
 * @param lockFaults the lock-service faults the harness injected, in order
 */
public record RunRecord(
    List<Rotation> history, List<NodeRecord> nodes, List<LockFault> lockFaults) {
  public RunRecord {
    lockFaults = List.copyOf(lockFaults);
  }

  /** A record without lock-service faults. */
  public RunRecord(List<Rotation> history, List<NodeRecord> nodes) {
    this(history, nodes, List.of());
  }

  public RunRecord withLockFaults(List<LockFault> faults) {
    return new RunRecord(history, nodes, faults);
  }
}
