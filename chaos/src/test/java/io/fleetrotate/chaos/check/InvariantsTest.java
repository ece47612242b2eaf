package io.fleetrotate.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import io.fleetrotate.chaos.fleet.Rotation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker fed fabricated histories: one legal, and one each with an overlap, a lost line, a
 * duplicate event and a step under a stale token; it must report each, and only it. A node whose
 * retention deleted backups is fed its files: pruned lines are a note, a line lost above the floor,
 * a deletion the agent did not log, a backup over {@code keep} or bytes over the budget are not.
 */
class InvariantsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private static Rotation r(String id, String node, long start, long end, long token) {
    return new Rotation(
        id,
        node,
        "g",
        "/logs/" + node + "/server.log",
        "SIZE",
        T0.plusSeconds(start),
        T0.plusSeconds(end),
        "SUCCESS",
        null,
        "redis",
        token);
  }

  private static Rotation failed(Rotation r, String reason) {
    return new Rotation(
        r.eventId(),
        r.node(),
        r.group(),
        r.path(),
        r.trigger(),
        r.startedAt(),
        r.finishedAt(),
        "FAILED",
        reason,
        r.lockBackend(),
        r.fencingToken());
  }

  private static NodeRecord node(String id, long token, int backups, LineAudit lines) {
    return new NodeRecord(
        id,
        "g",
        "signal",
        lines,
        Optional.of(new Fence(token, "g", "1@h", T0)),
        OptionalLong.empty(),
        backups,
        0,
        0,
        100,
        OptionalLong.empty(),
        10,
        1024,
        0,
        OptionalLong.empty());
  }

  private static LineAudit exact(long n) {
    return new LineAudit(n, 0, 0, List.of());
  }

  private static List<Rotation> legalHistory() {
    return List.of(r("a", "n1", 0, 2, 1), r("b", "n2", 2, 3, 2), r("c", "n1", 5, 9, 3));
  }

  private static List<NodeRecord> legalNodes() {
    return List.of(node("n1", 3, 2, exact(500)), node("n2", 2, 1, exact(400)));
  }

  @Test
  void aLegalHistoryHasNoViolations() {
    assertThat(Invariants.check(new RunRecord(legalHistory(), legalNodes()))).isEmpty();
  }

  @Test
  void aRunWhoseRotationsNeverUsedAPartialIsReported() {
    List<NodeRecord> none = legalNodes().stream().map(n -> handedOver(n, 0)).toList();
    assertThat(Invariants.check(new RunRecord(legalHistory(), none)))
        .singleElement()
        .asString()
        .startsWith(
            "no rotation used a compress-ahead partial: 3 successful rotations of [n1, n2]");

    List<NodeRecord> one = List.of(none.get(0), handedOver(legalNodes().get(1), 1));
    assertThat(Invariants.check(new RunRecord(legalHistory(), one))).isEmpty();
    assertThat(Invariants.notes(new RunRecord(legalHistory(), one)))
        .containsExactly(
            "compress-ahead: 1 rotations made their backup from a partial, by the agents' own"
                + " counts since their last start");
    // No agent answered: nothing is known, nothing is claimed.
    assertThat(Invariants.compressAhead(new RunRecord(legalHistory(), legalNodes()))).isEmpty();
    // Nothing rotated: nothing could have been handed over.
    assertThat(Invariants.compressAhead(new RunRecord(List.of(), none))).isEmpty();
  }

  private static NodeRecord handedOver(NodeRecord n, long count) {
    return counted(n, n.agentCounted(), n.outboxPending(), OptionalLong.of(count));
  }

  /** {@code n} with what its agent counted, its outbox and its hand-overs replaced. */
  private static NodeRecord counted(
      NodeRecord n, OptionalLong agentCounted, long outboxPending, OptionalLong aheadHandOvers) {
    return new NodeRecord(
        n.node(),
        n.group(),
        n.reopen(),
        n.lines(),
        n.fence(),
        agentCounted,
        n.backups(),
        n.backupBytes(),
        n.prunedBackups(),
        n.keep(),
        n.maxTotalSizeBytes(),
        n.liveBytes(),
        n.liveBudgetBytes(),
        outboxPending,
        aheadHandOvers);
  }

  @Test
  void anOverlapIsReported() {
    // b starts at 1, while a (0..2) still runs; tokens rise, so only the overlap (and the stale
    // token of a, which finished after b was granted) are wrong.
    List<Rotation> h = List.of(r("a", "n1", 0, 2, 1), r("b", "n2", 1, 3, 2), r("c", "n1", 5, 9, 3));
    List<String> v = Invariants.check(new RunRecord(h, legalNodes()));
    assertThat(Invariants.overlaps(h))
        .singleElement()
        .asString()
        .contains("n2's rotation b [")
        .contains("started before n1's rotation a [");
    assertThat(v).anyMatch(s -> s.contains("started before"));
  }

  @Test
  void aRotationStoppedForALostLeaseIsNoOverlap() {
    List<Rotation> h =
        List.of(
            failed(r("a", "n1", 0, 20, 1), "LEASE_LOST"),
            r("b", "n2", 16, 17, 2),
            r("c", "n1", 21, 22, 3));
    assertThat(Invariants.overlaps(h)).isEmpty();
    assertThat(Invariants.staleTokenSteps(h)).isEmpty();
  }

  @Test
  void aBackupLeftByARotationThatLostItsLeaseIsNotedNotAViolation() {
    List<Rotation> h =
        List.of(
            failed(r("a", "n1", 0, 20, 1), "LEASE_LOST"),
            r("b", "n2", 16, 17, 2),
            r("c", "n1", 21, 22, 3));
    List<NodeRecord> nodes = List.of(node("n1", 3, 2, exact(500)), node("n2", 2, 1, exact(400)));
    RunRecord run = new RunRecord(h, nodes);
    assertThat(Invariants.check(run)).isEmpty();
    assertThat(Invariants.notes(run)).singleElement().asString().contains("LEASE_LOST");
    List<NodeRecord> tooMany = List.of(node("n1", 3, 3, exact(500)), node("n2", 2, 1, exact(400)));
    assertThat(Invariants.check(new RunRecord(h, tooMany)))
        .singleElement()
        .asString()
        .contains("n1: 3 backups on disk but 1 rotations that leave one");
  }

  @Test
  void aLostLineIsReported() {
    List<NodeRecord> nodes =
        List.of(
            node("n1", 3, 2, new LineAudit(500, 1, 0, List.of())), node("n2", 2, 1, exact(400)));
    assertThat(Invariants.check(new RunRecord(legalHistory(), nodes)))
        .containsExactly("n1: 1 of 500 lines written are lost");
  }

  @Test
  void linesLostByCopytruncateAreNotedNotViolations() {
    NodeRecord ct =
        new NodeRecord(
            "n2",
            "g",
            "copytruncate",
            new LineAudit(400, 7, 0, List.of()),
            Optional.of(new Fence(2, "g", "1@h", T0)),
            OptionalLong.empty(),
            1,
            0,
            0,
            100,
            OptionalLong.empty(),
            0,
            1024,
            0,
            OptionalLong.empty());
    RunRecord run = new RunRecord(legalHistory(), List.of(legalNodes().get(0), ct));
    assertThat(Invariants.check(run)).isEmpty();
    assertThat(Invariants.notes(run)).singleElement().asString().contains("lost 7 of 400");
  }

  @Test
  void aDuplicateEventIsReported() {
    List<Rotation> h = new ArrayList<>(legalHistory());
    h.add(r("b", "n2", 2, 3, 2));
    List<String> v = Invariants.check(new RunRecord(h, legalNodes()));
    assertThat(v).contains("event b appears 2 times");
  }

  @Test
  void anEventMissingAgainstTheAgentsOwnCountIsReported() {
    NodeRecord n2 =
        new NodeRecord(
            "n2",
            "g",
            "signal",
            exact(400),
            Optional.of(new Fence(2, "g", "1@h", T0)),
            OptionalLong.of(2),
            1,
            0,
            0,
            100,
            OptionalLong.empty(),
            0,
            1024,
            0,
            OptionalLong.empty());
    assertThat(Invariants.check(new RunRecord(legalHistory(), List.of(legalNodes().get(0), n2))))
        .containsExactly("n2: its agent counted 2 rotations, the coordinator holds 1");
  }

  @Test
  void aStepUnderAStaleTokenIsReported() {
    // n1 holds token 1 from 0 to 10; n2 is granted token 2 at 4, but n1 still finishes at 10.
    List<Rotation> h = List.of(r("a", "n1", 0, 10, 1), r("b", "n2", 4, 5, 2));
    assertThat(Invariants.staleTokenSteps(h))
        .singleElement()
        .asString()
        .contains("n1's rotation a finished")
        .contains("under token 1, superseded")
        .contains("by token 2");
  }

  @Test
  void aTokenBelowAnEarlierOneIsReported() {
    List<Rotation> h = List.of(r("a", "n1", 0, 2, 5), r("b", "n2", 3, 4, 4));
    assertThat(Invariants.check(new RunRecord(h, List.of())))
        .singleElement()
        .asString()
        .contains("with a token not above it");
  }

  @Test
  void aFenceBelowTheTokenRotatedUnderIsReported() {
    List<NodeRecord> nodes = List.of(node("n1", 1, 2, exact(500)), node("n2", 2, 1, exact(400)));
    assertThat(Invariants.check(new RunRecord(legalHistory(), nodes)))
        .singleElement()
        .asString()
        .contains("n1: its fence records token 1, below token 3");
  }

  @Test
  void retentionAndDueRotationsAreChecked() {
    NodeRecord n =
        new NodeRecord(
            "n1",
            "g",
            "signal",
            exact(1),
            Optional.empty(),
            OptionalLong.empty(),
            5,
            0,
            0,
            3,
            OptionalLong.empty(),
            4096,
            1024,
            2,
            OptionalLong.empty());
    List<Rotation> fiveUnleased =
        List.of(
            r("a", "n1", 0, 1, 0),
            r("b", "n1", 2, 3, 0),
            r("c", "n1", 4, 5, 0),
            r("d", "n1", 6, 7, 0),
            r("e", "n1", 8, 9, 0));
    assertThat(Invariants.check(new RunRecord(fiveUnleased, List.of(n))))
        .containsExactlyInAnyOrder(
            "n1: 2 events never left its outbox",
            "n1: 5 backups kept, retention allows 3",
            "n1: the live log holds 4096 bytes after the faults healed, more than 1024: a due"
                + " rotation did not run");
  }

  @Test
  void aLogLeftInPlaceBecauseItsServerStoppedIsNoMissedRotation() {
    NodeRecord n =
        new NodeRecord(
            "n1",
            "g",
            "signal",
            exact(1),
            Optional.of(new Fence(2, "g", "1@h", T0)),
            OptionalLong.empty(),
            1,
            0,
            0,
            3,
            OptionalLong.empty(),
            4096,
            1024,
            0,
            OptionalLong.empty());
    // The server's pid file went with it: the agent checks the reopen target before the move and
    // leaves the log where it is; that failure left no backup, the earlier success one.
    List<Rotation> serverGone =
        List.of(r("a", "n1", 0, 1, 1), failed(r("b", "n1", 2, 3, 2), "REOPEN_FAILED"));
    assertThat(Invariants.check(new RunRecord(serverGone, List.of(n)))).isEmpty();

    // The same log over the trigger after a success is still a rotation that did not run.
    List<Rotation> succeededLast =
        List.of(failed(r("a", "n1", 0, 1, 1), "REOPEN_FAILED"), r("b", "n1", 2, 3, 2));
    assertThat(Invariants.check(new RunRecord(succeededLast, List.of(n))))
        .containsExactly(
            "n1: the live log holds 4096 bytes after the faults healed, more than 1024: a due"
                + " rotation did not run");
  }

  // A node whose retention (keep 4, 32 KiB) deleted the oldest backups: five rotations, two
  // backups left on disk (seq 301..450), the live log 451..500; seq 1..300 went with the three
  // backups its agent logged as pruned.

  private static final long BUDGET = 32 * 1024;

  private static List<Rotation> fiveRotations() {
    return List.of(
        r("a", "n1", 0, 1, 1),
        r("b", "n1", 2, 3, 2),
        r("c", "n1", 4, 5, 3),
        r("d", "n1", 6, 7, 4),
        r("e", "n1", 8, 9, 5));
  }

  private LineAudit prunedFiles(int written, int... skipped) throws IOException {
    Path log = dir.resolve("server.log");
    zst(dir.resolve("server.log.20260101-000006.zst"), 301, 380, skipped);
    zst(dir.resolve("server.log.20260101-000008.zst"), 381, 450, skipped);
    Files.writeString(log, lines(451, written));
    return LineAudit.of(log, written);
  }

  private static NodeRecord pruningNode(
      LineAudit lines, int backups, long backupBytes, int pruned, List<Rotation> history) {
    return new NodeRecord(
        "n1",
        "g",
        "collapse",
        lines,
        Optional.of(new Fence(history.size(), "g", "1@h", T0)),
        OptionalLong.of(history.size()),
        backups,
        backupBytes,
        pruned,
        4,
        OptionalLong.of(BUDGET),
        10,
        1024,
        0,
        OptionalLong.empty());
  }

  @Test
  void linesDeletedByRetentionAreNotedNotLost() throws IOException {
    LineAudit a = prunedFiles(500);
    assertThat(a.floor()).isEqualTo(301);
    assertThat(a.missing()).isEqualTo(300);
    assertThat(a.missingBelowFloor()).isEqualTo(300);
    RunRecord run =
        new RunRecord(fiveRotations(), List.of(pruningNode(a, 2, 12_000, 3, fiveRotations())));
    assertThat(Invariants.check(run)).isEmpty();
    assertThat(Invariants.notes(run))
        .singleElement()
        .asString()
        .contains("n1: retention (keep 4, maxTotalSize 32768 bytes) deleted 3 backups")
        .contains("seq 1..300 (300 lines, not counted as lost)")
        .contains("every line from seq 301 on is audited");
  }

  @Test
  void aLineMissingAboveTheFloorOfAPrunedNodeIsLost() throws IOException {
    LineAudit a = prunedFiles(500, 350);
    RunRecord run =
        new RunRecord(fiveRotations(), List.of(pruningNode(a, 2, 12_000, 3, fiveRotations())));
    assertThat(Invariants.check(run))
        .containsExactly(
            "n1: 1 of 500 lines written are lost from seq 301 on (the oldest line its retention"
                + " left) (seq [350])");
  }

  @Test
  void linesMissingBelowTheFloorAreLostWhenNoBackupWasPruned() throws IOException {
    // The same files, but the agent logged no deletion: the 3 backups the history implies vanished.
    LineAudit a = prunedFiles(500);
    RunRecord run =
        new RunRecord(fiveRotations(), List.of(pruningNode(a, 2, 12_000, 0, fiveRotations())));
    assertThat(Invariants.check(run))
        .containsExactlyInAnyOrder(
            "n1: 300 of 500 lines written are lost (seq 1..300 are in no file, and retention does"
                + " not account for them: its recorded rotations left 5 backups, 2 are on disk and"
                + " its agent logged 0 deleted by retention)",
            "n1: 2 backups on disk but 5 rotations that leave one reached the coordinator");
    assertThat(Invariants.notes(run)).isEmpty();
  }

  @Test
  void linesMissingBelowTheFloorAreLostWhenOnlySomeDeletionsWereLogged() throws IOException {
    // One of the three backups gone went without the agent saying so: it may have been the oldest.
    LineAudit a = prunedFiles(500);
    RunRecord run =
        new RunRecord(fiveRotations(), List.of(pruningNode(a, 2, 12_000, 2, fiveRotations())));
    assertThat(Invariants.check(run))
        .anyMatch(v -> v.startsWith("n1: 300 of 500 lines written are lost (seq 1..300"))
        .contains(
            "n1: 2 backups on disk and 2 deleted by retention but 5 rotations that leave one"
                + " reached the coordinator");
  }

  @Test
  void linesMissingBelowTheFloorAreLostWhenNoRecordedRotationMadeTheDeletedBackups()
      throws IOException {
    LineAudit a = prunedFiles(500);
    List<Rotation> two = fiveRotations().subList(0, 2);
    RunRecord run = new RunRecord(two, List.of(pruningNode(a, 2, 12_000, 3, two)));
    assertThat(Invariants.check(run))
        .anyMatch(v -> v.startsWith("n1: 300 of 500 lines written are lost (seq 1..300"))
        .anyMatch(v -> v.startsWith("n1: 2 backups on disk and 3 deleted by retention but 2"));
  }

  @Test
  void moreBackupsThanKeepOnAPrunedNodeIsAViolation() throws IOException {
    LineAudit a = prunedFiles(500);
    List<Rotation> eight = new ArrayList<>(fiveRotations());
    eight.addAll(
        List.of(r("f", "n1", 10, 11, 6), r("g", "n1", 12, 13, 7), r("h", "n1", 14, 15, 8)));
    RunRecord run = new RunRecord(eight, List.of(pruningNode(a, 5, 20_000, 3, eight)));
    assertThat(Invariants.check(run)).containsExactly("n1: 5 backups kept, retention allows 4");
  }

  @Test
  void backupsOverTheSizeBudgetAreAViolation() throws IOException {
    LineAudit a = prunedFiles(500);
    RunRecord run =
        new RunRecord(fiveRotations(), List.of(pruningNode(a, 2, BUDGET + 1, 3, fiveRotations())));
    assertThat(Invariants.check(run))
        .containsExactly(
            "n1: its 2 backups take 32769 bytes after the faults healed, retention allows 32768");
  }

  @Test
  void theNewestBackupAloneMayExceedTheSizeBudget() throws IOException {
    // The agent keeps the backup its last rotation made even when it alone is over the budget.
    LineAudit a = prunedFiles(500);
    RunRecord run =
        new RunRecord(fiveRotations(), List.of(pruningNode(a, 1, BUDGET + 1, 4, fiveRotations())));
    assertThat(Invariants.retention(run)).isEmpty();
  }

  @Test
  void retentionIsNotCheckedWhileAFailedRotationHasNotBeenPrunedAfter() throws IOException {
    // The last rotation lost its lease after moving the log: its backup stands, no prune ran.
    LineAudit a = prunedFiles(500);
    List<Rotation> h = new ArrayList<>(fiveRotations());
    h.add(failed(r("f", "n1", 10, 11, 6), "LEASE_LOST"));
    RunRecord run = new RunRecord(h, List.of(pruningNode(a, 3, BUDGET + 1, 3, h)));
    assertThat(Invariants.check(run)).isEmpty();
    assertThat(Invariants.notes(run))
        .anyMatch(n -> n.contains("exceed its retention") && n.contains("last 1 rotation(s)"));
  }

  @Test
  void aPrunedNodeStillReportsItsOutboxAndItsAgentsCount() throws IOException {
    LineAudit a = prunedFiles(500);
    NodeRecord n = pruningNode(a, 2, 12_000, 3, fiveRotations());
    NodeRecord mismatched = counted(n, OptionalLong.of(6), 1, OptionalLong.empty());
    assertThat(Invariants.check(new RunRecord(fiveRotations(), List.of(mismatched))))
        .containsExactlyInAnyOrder(
            "n1: 1 events never left its outbox",
            "n1: its agent counted 6 rotations, the coordinator holds 5");
  }

  @Test
  void theFloorIsTheLowestNumberOnDisk() throws IOException {
    Path log = dir.resolve("server.log");
    Files.writeString(log, lines(4, 6) + lines(8, 9));
    LineAudit a = LineAudit.of(log, 9);
    assertThat(a.floor()).isEqualTo(4);
    assertThat(a.missingBelowFloor()).isEqualTo(3);
    assertThat(a.missingFromFloor()).isEqualTo(1);
    assertThat(a.someMissing()).containsExactly(7L);
    Files.writeString(log, "");
    assertThat(LineAudit.of(log, 9).floor()).isEqualTo(10);
  }

  private static void zst(Path file, int from, int to, int... skipped) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = from; i <= to; i++) {
      final int seq = i;
      if (java.util.Arrays.stream(skipped).noneMatch(x -> x == seq)) {
        b.append(lines(i, i));
      }
    }
    try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(file))) {
      out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void linesAreCountedAcrossPlainGzipAndZstdFiles() throws IOException {
    Path log = dir.resolve("server.log");
    Files.writeString(log, lines(7, 10)); // live: 7..10
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(dir.resolve("server.log.1.gz")))) {
      out.write(lines(1, 3).getBytes(StandardCharsets.UTF_8));
    }
    try (OutputStream out =
        new ZstdOutputStream(Files.newOutputStream(dir.resolve("server.log.2.zst")))) {
      out.write(lines(3, 5).getBytes(StandardCharsets.UTF_8)); // 3 twice, 6 lost
    }
    Files.writeString(dir.resolve("server.log.3.zst.tmp"), lines(6, 6)); // a temporary: not read
    Files.writeString(dir.resolve("other.log"), lines(6, 6));
    LineAudit a = LineAudit.of(log, 10);
    assertThat(a.files()).hasSize(3);
    assertThat(a.missing()).isEqualTo(1);
    assertThat(a.duplicated()).isEqualTo(1);
    assertThat(LineAudit.of(log, 11).missing()).isEqualTo(2);
    LineAudit droppedByTheWriter = LineAudit.of(log, 11, List.of(new LineAudit.Range(6, 6)));
    assertThat(droppedByTheWriter.missing()).isEqualTo(1); // 11 only
    assertThat(droppedByTheWriter.dropped()).isEqualTo(1);
  }

  private static String lines(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i <= to; i++) {
      b.append("{\"ts\":\"x\",\"seq\":").append(i).append(",\"msg\":\"m\"}\n");
    }
    return b.toString();
  }
}
