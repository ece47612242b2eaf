package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals as the agent has written them since the format was fixed (a JSON line per step, the plan
 * as a JSON string in the BEGIN record, the move and codec by their wire names): written by hand
 * here, so that a change of the engine's types cannot silently break the recovery of a rotation a
 * crash left behind by an older agent.
 */
class RotationJournalFormatTest {

  private static final String PLAN =
      "{\"rotationId\":\"r1\",\"group\":\"g\",\"livePath\":\"%s\",\"backupPath\":\"%s\","
          + "\"move\":\"%s\",\"codec\":\"zstd\",\"level\":3,\"trigger\":\"SIZE\","
          + "\"fencingToken\":42,\"startedAt\":\"2026-11-21T02:00:00Z\"}";

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:05:00Z"), ZoneOffset.UTC);
  private Path live;
  private Path backup;

  @BeforeEach
  void logs() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    live = logs.resolve("server.log");
    backup = logs.resolve("server.log.20261121-020000");
  }

  private Path journalDir() {
    return dir.resolve("state/journal");
  }

  /**
   * Leaves the live file, the backup and the journal {@code r1} as a rotation by {@code move}
   * killed after {@code lastRecord} does (its BEGIN and MOVING records, then that one), and returns
   * what the engine finds of it.
   */
  private RotationEngine.PendingRotation killedAfter(
      String move, String liveText, String backupText, String lastRecord) throws Exception {
    Files.writeString(live, liveText);
    Files.writeString(backup, backupText);
    String plan = PLAN.formatted(live, backup, move).replace("\"", "\\\"");
    StringBuilder text =
        new StringBuilder("{\"step\":\"BEGIN\",\"at\":\"2026-11-21T02:00:00Z\",\"plan\":\"")
            .append(plan)
            .append("\"}\n");
    text.append("{\"step\":\"MOVING\",\"at\":\"2026-11-21T02:00:00Z\"}\n");
    text.append(lastRecord).append('\n');
    Files.createDirectories(journalDir());
    Files.writeString(journalDir().resolve("r1.journal"), text);
    List<RotationEngine.PendingRotation> pending = engine().pending();
    assertThat(pending).singleElement();
    return pending.get(0);
  }

  private RotationSpec spec(RotationSpec.Move move) {
    return TestSpecs.zstd(live, move);
  }

  private RotationEngine engine() {
    return new RotationEngine(journalDir(), clock, new Compressor(), new LiveFileMoverAdapter());
  }

  @Test
  void aRenameKilledAfterItsMoveIsFinishedFromAnOldJournal() throws Exception {
    RotationEngine.PendingRotation pending =
        killedAfter(
            "rename",
            "new line\n",
            "moved line\n",
            "{\"step\":\"MOVED\",\"at\":\"2026-11-21T02:00:01Z\",\"bytes\":\"11\"}");
    assertThat(pending.lastStep()).isEqualTo(RotationStep.MOVED);
    assertThat(pending.liveFile()).isEqualTo(live);

    RotationOutcome o =
        engine().resume(pending, spec(RotationSpec.Move.RENAME), RotationEngineTest.LEASE);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    assertThat(o.rotationId()).isEqualTo("r1");
    assertThat(o.trigger()).isEqualTo(Trigger.SIZE);
    assertThat(o.codec().wireName()).isEqualTo("zstd");
    assertThat(o.bytesBefore()).isEqualTo(11);
    assertThat(backup).doesNotExist();
    assertThat(
            RotationEngineTest.zstdDecompress(backup.resolveSibling(backup.getFileName() + ".zst")))
        .isEqualTo("moved line\n");
    assertThat(Files.readString(live)).isEqualTo("new line\n");
    assertThat(engine().pending().get(0).finished()).contains(o);
  }

  @Test
  void aCopyKilledBeforeTheCutIsUndoneFromAnOldJournal() throws Exception {
    RotationEngine.PendingRotation pending =
        killedAfter(
            "copytruncate",
            "line 1\nline 2\n",
            "line 1\nline 2\n",
            "{\"step\":\"COPIED\",\"at\":\"2026-11-21T02:00:01Z\",\"copied\":\"14\"}");

    RotationOutcome o =
        engine().resume(pending, spec(RotationSpec.Move.COPYTRUNCATE), RotationEngineTest.LEASE);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SKIPPED);
    assertThat(o.message()).isEqualTo("rolled back an interrupted rotation");
    assertThat(backup).doesNotExist();
    assertThat(Files.readString(live)).isEqualTo("line 1\nline 2\n");
    assertThat(engine().pending()).isEmpty();
  }

  @Test
  void aNewJournalWritesThePlanInTheSameFormat() throws Exception {
    RotationPlan plan =
        new RotationPlan(
            "r1",
            "g",
            live.toString(),
            backup.toString(),
            RotationSpec.Move.COLLAPSE,
            Codec.ZSTD,
            3,
            Trigger.SIZE,
            42,
            "2026-11-21T02:00:00Z");
    RotationJournal.begin(journalDir(), plan, clock).close();

    String first = Files.readAllLines(journalDir().resolve("r1.journal")).get(0);
    String expected =
        "{\"step\":\"BEGIN\",\"at\":\"2026-11-21T02:05:00Z\",\"plan\":\""
            + PLAN.formatted(live, backup, "collapse").replace("\"", "\\\"")
            + "\"}";
    assertThat(first).isEqualTo(expected);
    assertThat(RotationJournal.pending(journalDir()).get(0).plan()).isEqualTo(plan);
  }
}
