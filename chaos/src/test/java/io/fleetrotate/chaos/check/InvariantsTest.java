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
 * duplicate event and a step under a stale token; it must report each, and only it.
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
        100,
        10,
        1024,
        0);
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
            100,
            0,
            1024,
            0);
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
            100,
            0,
            1024,
            0);
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
            3,
            4096,
            1024,
            2);
    assertThat(Invariants.check(new RunRecord(List.of(), List.of(n))))
        .containsExactlyInAnyOrder(
            "n1: 2 events never left its outbox",
            "n1: 5 backups kept, retention allows 3",
            "n1: the live log holds 4096 bytes after the faults healed, more than 1024: a due"
                + " rotation did not run");
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
