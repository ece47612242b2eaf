package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The latest rotation per file ({@code file_latest}) is written with one upsert per file and batch:
 * whatever the batches, the row must be what upserting the events one at a time, in arrival order,
 * leaves. Two real embedded stores get the same events, one event per append and in generated
 * batches, and must restore the same latest rotations. Finish times come from a few seconds, so
 * ties, late arrivals and compressions older than the stored row are common.
 */
class FileLatestFoldTest {
  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  private static final AtomicInteger TRY = new AtomicInteger();
  private static Path dir;
  private static HistoryStore oneByOne;
  private static HistoryStore batched;

  @BeforeContainer
  static void open() throws IOException {
    // Under the build directory, which a clean removes: one pair of stores for every try.
    dir =
        Files.createDirectories(
            Path.of("target", "file-latest-fold", UUID.randomUUID().toString()));
    MutableClock clock = new MutableClock(T0);
    oneByOne = SqlHistoryStore.openEmbedded(dir.resolve("one"), Duration.ofDays(30), clock);
    batched = SqlHistoryStore.openEmbedded(dir.resolve("batched"), Duration.ofDays(30), clock);
  }

  @AfterContainer
  static void close() {
    oneByOne.close();
    batched.close();
  }

  /** One generated event: which file, when it finished, how it ended, whether it compressed. */
  record Step(int file, int second, Result result, boolean compressed, int tookSeconds) {}

  @Property(tries = 200)
  void batchesLeaveTheRowsThatOneEventAtATimeLeaves(
      @ForAll("steps") List<Step> steps, @ForAll("cuts") List<Integer> cuts) throws Exception {
    // Each try has nodes of its own, so the two stores can be kept across tries.
    String prefix = "t" + TRY.incrementAndGet() + "-";
    List<RotationEvent> events = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      events.add(event(prefix, steps.get(i), i));
    }
    for (RotationEvent e : events) {
      oneByOne.append(List.of(e)).get();
    }
    int from = 0;
    for (int cut : cuts) {
      int to = Math.min(events.size(), from + cut);
      batched.append(events.subList(from, to)).get();
      from = to;
    }
    batched.append(events.subList(from, events.size())).get();

    List<RestoredRotations.NodeRotation> expected = latestOf(oneByOne, prefix);
    assertThat(latestOf(batched, prefix)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(expected).as("every file the events name has a row").hasSize(filesOf(steps));
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 6),
            Arbitraries.of(Result.class),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 9))
        .as(Step::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(24);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 12).list().ofMaxSize(4);
  }

  private static List<RestoredRotations.NodeRotation> latestOf(HistoryStore store, String prefix) {
    return store.restoredRotations(T0).latest().stream()
        .filter(r -> r.node().startsWith(prefix))
        .toList();
  }

  private static int filesOf(List<Step> steps) {
    return (int) steps.stream().mapToInt(Step::file).distinct().count();
  }

  /** Files 0-3 are two paths on each of two nodes; the ratio tells the events apart. */
  private static RotationEvent event(String prefix, Step s, int i) {
    Instant finished = T0.minusSeconds(60 - s.second());
    boolean success = s.result() == Result.SUCCESS;
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        prefix + "n" + (s.file() / 2),
        "mcp-server",
        "/var/log/mcp/" + (s.file() % 2) + ".log",
        Trigger.SIZE,
        finished.minusSeconds(s.tookSeconds()),
        finished,
        s.result(),
        s.result() == Result.FAILED ? FailureReason.IO_ERROR : null,
        null,
        100_000_000,
        success ? 1_000_000L * (i + 1) : 0,
        s.compressed() ? "zstd" : "none",
        "redis",
        5,
        1);
  }
}
