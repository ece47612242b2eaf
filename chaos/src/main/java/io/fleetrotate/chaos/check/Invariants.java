package io.fleetrotate.chaos.check;

import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a recorded {@link RunRecord} is legal. Each check returns its violations, one
 * sentence each; {@link #notes} lists what is reported but allowed (lines lost by copytruncate).
 */
public final class Invariants {
  private Invariants() {}

  /** Every violation of every invariant. */
  public static List<String> check(RunRecord run) {
    List<String> v = new ArrayList<>();
    v.addAll(overlaps(run.history()));
    v.addAll(RotationChecks.fencingOrder(run.history()));
    v.addAll(staleTokenSteps(run.history()));
    v.addAll(fences(run));
    v.addAll(lines(run));
    v.addAll(RotationChecks.duplicateEventIds(run.history()));
    v.addAll(eventsPerNode(run));
    v.addAll(retention(run));
    v.addAll(lockOutages(run));
    v.addAll(compressAhead(run));
    return v;
  }

  /**
   * Compress-ahead was exercised: when the fleet rotated successfully, at least one rotation made
   * its backup from a compress-ahead partial, by the agents' own counts. Nodes whose agent did not
   * answer are left out; when none answered there is nothing to check.
   */
  public static List<String> compressAhead(RunRecord run) {
    List<NodeRecord> counted =
        run.nodes().stream().filter(n -> n.aheadHandOvers().isPresent()).toList();
    long succeeded =
        run.history().stream()
            .filter(Rotation::succeeded)
            .filter(r -> counted.stream().anyMatch(n -> n.node().equals(r.node())))
            .count();
    long handedOver = counted.stream().mapToLong(n -> n.aheadHandOvers().getAsLong()).sum();
    if (succeeded == 0 || handedOver > 0) {
      return List.of();
    }
    return List.of(
        "no rotation used a compress-ahead partial: "
            + succeeded
            + " successful rotations of "
            + counted.stream().map(NodeRecord::node).toList()
            + ", and fleetrotate_agent_ahead_handovers_total is 0 on each");
  }

  /**
   * A lock-service outage is a state, not a failure per check: while the harness kept the lock
   * service unreachable, each node reported at most one non-success event per file. A rotation that
   * held its lease when the fault began and stopped with LEASE_LOST ended once on its own account;
   * it is not a report of the outage and is left out.
   */
  public static List<String> lockOutages(RunRecord run) {
    List<String> v = new ArrayList<>();
    for (LockFault f : run.lockFaults()) {
      Map<String, List<Rotation>> perFile = new java.util.TreeMap<>();
      for (Rotation r : run.history()) {
        if (!r.succeeded()
            && !"LEASE_LOST".equals(r.reason())
            && !r.startedAt().isBefore(f.from())
            && !r.startedAt().isAfter(f.to())) {
          perFile.computeIfAbsent(r.node() + " " + r.path(), k -> new ArrayList<>()).add(r);
        }
      }
      perFile.forEach(
          (file, events) -> {
            if (events.size() > 1) {
              v.add(
                  file.replaceFirst(" ", ": ")
                      + " reported "
                      + events.size()
                      + " non-success events during one lock-service outage ("
                      + f.what()
                      + ", "
                      + f.from()
                      + " to "
                      + f.to()
                      + "), at most one is allowed: "
                      + events.stream()
                          .map(r -> r.result() + (r.reason() == null ? "" : "/" + r.reason()))
                          .toList());
            }
          });
    }
    return v;
  }

  /**
   * No two rotations of a group overlap, leaving out those that stopped with LEASE_LOST: their
   * lease ran out and the next holder rightly began; that they did nothing destructive after that
   * is what {@link #staleTokenSteps} and {@link #fences} check.
   */
  public static List<String> overlaps(List<Rotation> history) {
    return RotationChecks.overlaps(
        history.stream().filter(r -> !"LEASE_LOST".equals(r.reason())).toList());
  }

  /**
   * No rotation completed its destructive steps under a superseded token: a successful rotation
   * must finish before any rotation of its group that holds a higher token starts.
   */
  public static List<String> staleTokenSteps(List<Rotation> history) {
    List<String> v = new ArrayList<>();
    List<Rotation> leased =
        history.stream()
            .filter(r -> r.fencingToken() > 0)
            .sorted(Comparator.comparing(Rotation::startedAt))
            .toList();
    for (Rotation r : leased) {
      if (!r.succeeded()) {
        continue;
      }
      leased.stream()
          .filter(s -> s.group().equals(r.group()) && s.fencingToken() > r.fencingToken())
          .filter(
              s -> s.startedAt().isBefore(r.finishedAt()) && !s.startedAt().isBefore(r.startedAt()))
          .findFirst()
          .ifPresent(
              s ->
                  v.add(
                      "group "
                          + r.group()
                          + ": "
                          + r.node()
                          + "'s rotation "
                          + r.eventId()
                          + " finished at "
                          + r.finishedAt()
                          + " under token "
                          + r.fencingToken()
                          + ", superseded at "
                          + s.startedAt()
                          + " by token "
                          + s.fencingToken()
                          + " ("
                          + s.node()
                          + "'s rotation "
                          + s.eventId()
                          + ")"));
    }
    return v;
  }

  /**
   * Every successful leased rotation went through its log's fence: the fence holds a token at least
   * as high as the highest one the node rotated under, in the node's group.
   */
  public static List<String> fences(RunRecord run) {
    List<String> v = new ArrayList<>();
    for (NodeRecord n : run.nodes()) {
      long highest =
          run.history().stream()
              .filter(r -> r.node().equals(n.node()) && r.succeeded())
              .mapToLong(Rotation::fencingToken)
              .max()
              .orElse(0);
      if (highest == 0) {
        continue;
      }
      if (n.fence().isEmpty()) {
        v.add(n.node() + ": rotated under token " + highest + " but its log has no fence record");
      } else if (n.fence().get().token() < highest) {
        v.add(
            n.node()
                + ": its fence records token "
                + n.fence().get().token()
                + ", below token "
                + highest
                + " it rotated under: a destructive step bypassed the fence");
      } else if (!n.fence().get().group().equals(n.group())) {
        v.add(n.node() + ": its fence names group " + n.fence().get().group());
      }
    }
    return v;
  }

  /**
   * Every line written is found exactly once, except where copytruncate may lose some, and except
   * the oldest lines of a node whose retention deleted backups: every number below the lowest one
   * still on disk (the floor) counts as pruned, not lost, only when {@link #prunedByRetention} says
   * the deletions are accounted for; every number from the floor on must be found exactly once.
   */
  public static List<String> lines(RunRecord run) {
    List<String> v = new ArrayList<>();
    for (NodeRecord n : run.nodes()) {
      LineAudit a = n.lines();
      boolean pruned = prunedByRetention(run.history(), n);
      long lost = pruned ? a.missingFromFloor() : a.missing();
      if (lost > 0 && !n.lossAllowed()) {
        v.add(lostLines(run.history(), n, pruned));
      }
      if (a.duplicated() > 0) {
        v.add(n.node() + ": " + a.duplicated() + " lines are found more than once");
      }
    }
    return v;
  }

  private static String lostLines(List<Rotation> history, NodeRecord n, boolean pruned) {
    LineAudit a = n.lines();
    StringBuilder s = new StringBuilder(n.node()).append(": ");
    if (pruned) {
      s.append(a.missingFromFloor())
          .append(" of ")
          .append(a.written())
          .append(" lines written are lost from seq ")
          .append(a.floor())
          .append(" on (the oldest line its retention left)");
    } else {
      s.append(a.missing()).append(" of ").append(a.written()).append(" lines written are lost");
      if (a.missingBelowFloor() > 0) {
        s.append(" (seq 1..")
            .append(a.floor() - 1)
            .append(" are in no file, and retention does not account for them: ")
            .append(backupAccount(history, n))
            .append(')');
      }
    }
    if (!a.someMissing().isEmpty()) {
      s.append(" (seq ").append(a.someMissing()).append(')');
    }
    return s.toString();
  }

  /**
   * Whether retention accounts for the lines missing below the floor: the agent's own log says it
   * deleted backups, and the backups on disk plus those it deleted are as many as the recorded
   * rotations left (give or take the failed ones that may have left one). After a backup vanished
   * without the agent saying so, or a deletion that no recorded rotation made a backup for, the
   * lines below the floor count as lost.
   */
  static boolean prunedByRetention(List<Rotation> history, NodeRecord n) {
    long accounted = (long) n.backups() + n.prunedBackups();
    long left = leavingABackup(history, n.node());
    return n.prunedBackups() > 0
        && accounted >= left
        && accounted <= left + lostAfterMoving(history, n.node());
  }

  /** How many backups the history says the node made, and where they are. */
  private static String backupAccount(List<Rotation> history, NodeRecord n) {
    long left = leavingABackup(history, n.node());
    long mayHaveLeft = lostAfterMoving(history, n.node());
    return "its recorded rotations left "
        + left
        + (mayHaveLeft > 0 ? " to " + (left + mayHaveLeft) : "")
        + " backups, "
        + n.backups()
        + " are on disk and its agent logged "
        + n.prunedBackups()
        + " deleted by retention";
  }

  /** What is reported without being a violation. */
  public static List<String> notes(RunRecord run) {
    List<String> notes = new ArrayList<>();
    List<NodeRecord> counted =
        run.nodes().stream().filter(n -> n.aheadHandOvers().isPresent()).toList();
    if (!counted.isEmpty()) {
      notes.add(
          "compress-ahead: "
              + counted.stream().mapToLong(n -> n.aheadHandOvers().getAsLong()).sum()
              + " rotations made their backup from a partial, by the agents' own counts since"
              + " their last start");
    }
    for (NodeRecord n : run.nodes()) {
      long extra = (long) n.backups() + n.prunedBackups() - leavingABackup(run.history(), n.node());
      if (extra > 0 && extra <= lostAfterMoving(run.history(), n.node())) {
        notes.add(
            n.node()
                + ": "
                + extra
                + " backup(s) left by rotations the coordinator records as failed (LEASE_LOST or"
                + " DISK_FULL after the move: the move stands, the history counts them failed)");
      }
      if (n.lines().dropped() > 0) {
        notes.add(
            n.node()
                + ": its writer could not write "
                + n.lines().dropped()
                + " lines (disk full); not counted as lost");
      }
      if (prunedByRetention(run.history(), n)) {
        notes.add(pruningNote(n));
      }
      long unpruned = unprunedSinceLastSuccess(run.history(), n.node());
      if (unpruned > 0 && !withinRetention(n)) {
        notes.add(
            n.node()
                + ": "
                + n.backups()
                + " backups ("
                + n.backupBytes()
                + " bytes) exceed its retention ("
                + limits(n)
                + "), not checked: its last "
                + unpruned
                + " rotation(s) failed after moving the log, so no prune followed them");
      }
      if (n.lossAllowed() && n.lines().missing() > 0) {
        notes.add(
            n.node()
                + ": copytruncate lost "
                + n.lines().missing()
                + " of "
                + n.lines().written()
                + " lines (allowed by that mode)");
      }
    }
    return notes;
  }

  private static String pruningNote(NodeRecord n) {
    LineAudit a = n.lines();
    return n.node()
        + ": retention ("
        + limits(n)
        + ") deleted "
        + n.prunedBackups()
        + " backups, as its agent logged"
        + (a.missingBelowFloor() > 0
            ? ", and with them seq 1.."
                + (a.floor() - 1)
                + " ("
                + a.missingBelowFloor()
                + " lines, not counted as lost)"
            : "")
        + "; "
        + n.backups()
        + " backups ("
        + n.backupBytes()
        + " bytes) are left, and every line from seq "
        + a.floor()
        + " on is audited as on any node";
  }

  /**
   * Every rotation reached the coordinator exactly once: nothing is left in an outbox; the history
   * holds as many rotations of a node as its agent counted (when one process ran throughout); and
   * one successful rotation per backup on disk or deleted by retention (the agent logs each
   * deletion; a rotation whose reopen failed also leaves its backup).
   */
  public static List<String> eventsPerNode(RunRecord run) {
    List<String> v = new ArrayList<>();
    Map<String, Long> all = RotationChecks.countByNode(run.history(), false);
    for (NodeRecord n : run.nodes()) {
      if (n.outboxPending() > 0) {
        v.add(n.node() + ": " + n.outboxPending() + " events never left its outbox");
      }
      long inHistory = all.getOrDefault(n.node(), 0L);
      if (n.agentCounted().isPresent() && n.agentCounted().getAsLong() != inHistory) {
        v.add(
            n.node()
                + ": its agent counted "
                + n.agentCounted().getAsLong()
                + " rotations, the coordinator holds "
                + inHistory);
      }
      long leftBackups = leavingABackup(run.history(), n.node());
      long mayHaveLeft = lostAfterMoving(run.history(), n.node());
      long accounted = (long) n.backups() + n.prunedBackups();
      if (accounted < leftBackups || accounted > leftBackups + mayHaveLeft) {
        v.add(
            n.node()
                + ": "
                + n.backups()
                + " backups on disk"
                + (n.prunedBackups() > 0
                    ? " and " + n.prunedBackups() + " deleted by retention"
                    : "")
                + " but "
                + leftBackups
                + " rotations that leave one reached the coordinator"
                + (mayHaveLeft > 0
                    ? " (and " + mayHaveLeft + " failed ones that may have left one)"
                    : ""));
      }
    }
    return v;
  }

  /** Rotations that leave a backup: the successful ones. */
  private static long leavingABackup(List<Rotation> history, String node) {
    return history.stream().filter(r -> r.node().equals(node)).filter(Rotation::succeeded).count();
  }

  /**
   * Rotations that failed after the live file may have been moved (LEASE_LOST, DISK_FULL,
   * COMPRESSION_FAILED, IO_ERROR): the move stands and the backup stays (or is finished at the next
   * start), yet the history counts the rotation failed.
   */
  private static long lostAfterMoving(List<Rotation> history, String node) {
    return history.stream()
        .filter(r -> r.node().equals(node) && r.reason() != null)
        .filter(r -> MAY_LEAVE_A_BACKUP.contains(r.reason()))
        .count();
  }

  // REOPEN_FAILED: after the move when the reopen itself failed (the backup stands), before it when
  // the reopen target was already gone (a stopped server: the agent leaves the log where it is).
  private static final java.util.Set<String> MAY_LEAVE_A_BACKUP =
      java.util.Set.of(
          "LEASE_LOST", "DISK_FULL", "COMPRESSION_FAILED", "IO_ERROR", "REOPEN_FAILED");

  /**
   * Disk usage stayed within the retention budget and every due file was rotated: at most {@code
   * keep} backups, together at most {@code maxTotalSize} bytes (or the newest alone, which the
   * agent keeps even when it exceeds the whole budget), as the node's last prune left them; and the
   * live log under the size trigger. The budget is not checked when rotations that may have left a
   * backup came after the node's last successful one: no prune followed them ({@link #notes} says
   * so).
   */
  public static List<String> retention(RunRecord run) {
    List<String> v = new ArrayList<>();
    for (NodeRecord n : run.nodes()) {
      if (unprunedSinceLastSuccess(run.history(), n.node()) == 0) {
        if (n.backups() > n.keep()) {
          v.add(n.node() + ": " + n.backups() + " backups kept, retention allows " + n.keep());
        }
        if (overBudget(n)) {
          v.add(
              n.node()
                  + ": its "
                  + n.backups()
                  + " backups take "
                  + n.backupBytes()
                  + " bytes after the faults healed, retention allows "
                  + n.maxTotalSizeBytes().getAsLong());
        }
      }
      if (n.liveBytes() > n.liveBudgetBytes() && !reopenTargetGone(run.history(), n.node())) {
        v.add(
            n.node()
                + ": the live log holds "
                + n.liveBytes()
                + " bytes after the faults healed, more than "
                + n.liveBudgetBytes()
                + ": a due rotation did not run");
      }
    }
    return v;
  }

  private static boolean withinRetention(NodeRecord n) {
    return n.backups() <= n.keep() && !overBudget(n);
  }

  /** Backups over maxTotalSize, beyond the newest one that the agent keeps whatever its size. */
  private static boolean overBudget(NodeRecord n) {
    return n.maxTotalSizeBytes().isPresent()
        && n.backups() > 1
        && n.backupBytes() > n.maxTotalSizeBytes().getAsLong();
  }

  private static String limits(NodeRecord n) {
    return "keep "
        + n.keep()
        + (n.maxTotalSizeBytes().isPresent()
            ? ", maxTotalSize " + n.maxTotalSizeBytes().getAsLong() + " bytes"
            : "");
  }

  /**
   * Whether the node's last rotation failed because its reopen target was gone (the writers stop
   * before the record is taken, and the agent then leaves a due log where it is: nothing could
   * reopen it). The rotation ran; the live log may stay over the size trigger.
   */
  private static boolean reopenTargetGone(List<Rotation> history, String node) {
    return history.stream()
        .filter(r -> r.node().equals(node))
        .max(Comparator.comparing(Rotation::startedAt))
        .map(r -> "REOPEN_FAILED".equals(r.reason()))
        .orElse(false);
  }

  /**
   * Rotations of the node after its last successful one (all of them when none succeeded) that may
   * have left a backup: they stopped before the prune, which only a later rotation makes up for.
   */
  private static long unprunedSinceLastSuccess(List<Rotation> history, String node) {
    Instant lastSuccess =
        history.stream()
            .filter(r -> r.node().equals(node) && r.succeeded())
            .map(Rotation::startedAt)
            .max(Comparator.naturalOrder())
            .orElse(Instant.MIN);
    return history.stream()
        .filter(r -> r.node().equals(node) && r.startedAt().isAfter(lastSuccess))
        .filter(r -> r.reason() != null)
        .filter(r -> MAY_LEAVE_A_BACKUP.contains(r.reason()))
        .count();
  }
}
