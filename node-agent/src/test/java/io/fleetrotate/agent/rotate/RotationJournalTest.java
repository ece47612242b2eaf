package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.proto.Trigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotationJournalTest {

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);

  private RotationPlan plan(String id, String startedAt) {
    return new RotationPlan(
        id,
        "mcp",
        "/l/server.log",
        "/l/server.log.20261121-020000",
        RotationSpec.Move.RENAME,
        Codec.ZSTD,
        3,
        Trigger.SIZE,
        7,
        startedAt);
  }

  @Test
  void pendingReportsThePlanTheLastStepAndTheDetails() throws Exception {
    RotationJournal j = RotationJournal.begin(dir, plan("r1", "2026-11-21T02:00:00Z"), clock);
    j.record(RotationStep.MOVING);
    j.record(RotationStep.MOVED, Map.of("bytes", "1234"));
    j.close();

    var pending = RotationJournal.pending(dir);
    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).plan()).isEqualTo(plan("r1", "2026-11-21T02:00:00Z"));
    assertThat(pending.get(0).lastStep()).isEqualTo(RotationStep.MOVED);
    assertThat(pending.get(0).details()).containsEntry("bytes", "1234");
  }

  @Test
  void aTornLastLineMeansItsStepNeverRan() throws Exception {
    RotationJournal j = RotationJournal.begin(dir, plan("r1", "2026-11-21T02:00:00Z"), clock);
    j.record(RotationStep.MOVING);
    j.close();
    Files.writeString(
        dir.resolve("r1.journal"),
        "{\"step\":\"MOV",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    assertThat(RotationJournal.pending(dir).get(0).lastStep()).isEqualTo(RotationStep.MOVING);
  }

  @Test
  void completeRemovesTheJournal() throws Exception {
    RotationJournal j = RotationJournal.begin(dir, plan("r1", "2026-11-21T02:00:00Z"), clock);
    j.record(RotationStep.DONE);
    j.complete();
    assertThat(RotationJournal.pending(dir)).isEmpty();
    assertThat(dir.resolve("r1.journal")).doesNotExist();
  }

  @Test
  void aJournalWithoutAPlanIsDiscarded() throws Exception {
    Files.writeString(dir.resolve("r9.journal"), "{\"step\":\"BE");
    assertThat(RotationJournal.pending(dir)).isEmpty();
    assertThat(dir.resolve("r9.journal")).doesNotExist();
  }

  @Test
  void pendingRotationsComeInTheOrderTheyBegan() throws Exception {
    RotationJournal.begin(dir, plan("b", "2026-11-21T02:00:05Z"), clock).close();
    RotationJournal.begin(dir, plan("a", "2026-11-21T02:00:09Z"), clock).close();
    RotationJournal.begin(dir, plan("c", "2026-11-21T02:00:01Z"), clock).close();
    assertThat(RotationJournal.pending(dir))
        .extracting(p -> p.plan().rotationId())
        .containsExactly("c", "b", "a");
  }

  @Test
  void resumeAppendsToTheSameJournal() throws Exception {
    RotationJournal.begin(dir, plan("r1", "2026-11-21T02:00:00Z"), clock).close();
    var pending = RotationJournal.pending(dir).get(0);
    try (RotationJournal j = RotationJournal.resume(pending, clock)) {
      j.record(RotationStep.MOVING);
    }
    assertThat(RotationJournal.pending(dir).get(0).lastStep()).isEqualTo(RotationStep.MOVING);
  }
}
