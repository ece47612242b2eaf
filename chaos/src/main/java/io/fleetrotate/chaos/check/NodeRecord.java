package io.fleetrotate.chaos.check;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one node recorded about itself by the end of a scenario, read from its files and its own
 * endpoints after the faults healed.
 *
 * @param node the node id
 * @param group its rotation group
 * @param reopen how its log is reopened (signal, collapse, copytruncate, ...)
 * @param lines where its writer's lines ended up
 * @param fence its log's fence, if any
 * @param agentCounted rotations its agent process counted itself ({@code
 *     fleetrotate_rotations_total}); empty when the process was restarted, so its count is partial
 * @param backups finished backups beside the log
 * @param backupBytes their size together
 * @param prunedBackups backups its agent's own log says retention deleted ({@code pruned <path>})
 * @param keep how many backups retention keeps
 * @param maxTotalSizeBytes how many bytes of backups retention keeps; empty when unlimited
 * @param liveBytes the live log's size at the end
 * @param liveBudgetBytes the most the live log may hold once every due rotation ran
 * @param outboxPending events still waiting in its outbox at the end
 * @param aheadHandOvers compress-ahead partials its agent process (and those of agents sharing its
 *     log) handed over to rotations since it last started ({@code
 *     fleetrotate_agent_ahead_handovers_total}): a lower bound when one was restarted; empty when
 *     no agent of the log answered
 */
public record NodeRecord(
    String node,
    String group,
    String reopen,
    LineAudit lines,
    Optional<Fence> fence,
    OptionalLong agentCounted,
    int backups,
    long backupBytes,
    int prunedBackups,
    int keep,
    OptionalLong maxTotalSizeBytes,
    long liveBytes,
    long liveBudgetBytes,
    long outboxPending,
    OptionalLong aheadHandOvers) {

  /** Copytruncate loses the lines written between the copy and the truncate, by design. */
  public boolean lossAllowed() {
    return "copytruncate".equals(reopen);
  }
}
