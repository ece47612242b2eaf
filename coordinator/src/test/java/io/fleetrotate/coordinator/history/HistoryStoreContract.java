package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.fleet.LastRotation;
import io.fleetrotate.coordinator.fleet.RotationCount;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HistoryStore} must do, run against each database it supports: deduplication,
 * durability across reopening, stable pages, filters, retention, the node snapshot.
 */
abstract class HistoryStoreContract {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  final MutableClock clock = new MutableClock(T0);

  /** Opens the store under test; a second call after closing opens the same data. */
  abstract HistoryStore open(Duration retention, Clock clock) throws IOException;

  private HistoryStore open() throws IOException {
    return open(Duration.ofDays(30), clock);
  }

  private static RotationEvent event(String node, String group, Result result, Instant at) {
    return Wire.event(UUID.randomUUID(), node, group, result, at, Duration.ofSeconds(2));
  }

  private static final Comparator<RotationEvent> NEWEST_FIRST =
      Comparator.comparing(RotationEvent::finishedAt)
          .thenComparing(e -> e.eventId().toString())
          .reversed();

  @Test
  void duplicatesAreStoredOnceEvenWithinOneBatchOrConcurrentBatches() throws Exception {
    try (HistoryStore store = open()) {
      RotationEvent a = Wire.event("n1", Result.SUCCESS, T0);
      RotationEvent b = Wire.event("n1", Result.FAILED, T0);
      List<CompletableFuture<List<RotationEvent>>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(store.append(List.of(a, b, a)));
      }
      List<RotationEvent> fresh = new ArrayList<>();
      for (var f : futures) {
        fresh.addAll(f.get());
      }
      assertThat(fresh).containsExactlyInAnyOrder(a, b);
      assertThat(store.size()).isEqualTo(2);
      assertThat(store.contains(a)).isTrue();
      assertThat(store.contains(Wire.event("n1", Result.SUCCESS, T0))).isFalse();
    }
  }

  @Test
  void acknowledgedEventsSurviveReopening() throws Exception {
    RotationEvent a = Wire.event("n1", Result.SUCCESS, T0);
    RotationEvent b = Wire.event("n1", Result.FAILED, T0.plusSeconds(1));
    try (HistoryStore store = open()) {
      assertThat(store.append(List.of(a, b)).get()).containsExactly(a, b);
    }
    try (HistoryStore store = open()) {
      assertThat(store.size()).isEqualTo(2);
      assertThat(store.query(RotationQuery.all(10)).items()).containsExactly(b, a);
      assertThat(store.append(List.of(a)).get()).isEmpty();
    }
  }

  @Test
  void pagesAreNewestFirstCompleteAndStableWhileNewEventsArrive() throws Exception {
    try (HistoryStore store = open()) {
      List<RotationEvent> all = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        // Ten events share each finish time, so the id breaks ties.
        all.add(event("n" + (i % 7), "g", Result.SUCCESS, T0.plusSeconds(i / 10)));
      }
      store.append(all).get();
      List<RotationEvent> seen = new ArrayList<>();
      RotationPage page = store.query(RotationQuery.all(30));
      seen.addAll(page.items());
      while (page.next().isPresent()) {
        // Newer events arriving between pages do not shift the pages already being read.
        store.append(List.of(event("n1", "g", Result.SUCCESS, T0.plusSeconds(1000)))).get();
        Cursor cursor = Cursor.decode(page.next().get().encode()).orElseThrow();
        page = store.query(RotationQuery.all(30).after(cursor, 30));
        seen.addAll(page.items());
      }
      assertThat(seen).containsExactlyElementsOf(all.stream().sorted(NEWEST_FIRST).toList());
      assertThat(store.query(RotationQuery.all(5)).items()).hasSize(5);
    }
  }

  @Test
  void filtersCombineNodeGroupPathResultAndSince() throws Exception {
    try (HistoryStore store = open()) {
      RotationEvent n1ok = event("n1", "g1", Result.SUCCESS, T0);
      RotationEvent n1failed = event("n1", "g1", Result.FAILED, T0.plusSeconds(10));
      RotationEvent n2ok = event("n2", "g2", Result.SUCCESS, T0.plusSeconds(20));
      store.append(List.of(n1ok, n1failed, n2ok)).get();
      assertThat(items(store, new RotationQuery("n1", null, null, null, null, 10)))
          .containsExactly(n1failed, n1ok);
      assertThat(items(store, new RotationQuery("n1", null, Result.SUCCESS, null, null, 10)))
          .containsExactly(n1ok);
      assertThat(items(store, new RotationQuery(null, "g2", null, null, null, 10)))
          .containsExactly(n2ok);
      assertThat(items(store, new RotationQuery(null, null, Result.FAILED, null, null, 10)))
          .containsExactly(n1failed);
      assertThat(items(store, new RotationQuery(null, null, null, T0.plusSeconds(10), null, 10)))
          .containsExactly(n2ok, n1failed);
      assertThat(
              items(
                  store,
                  new RotationQuery(null, null, "/var/log/mcp/server.log", null, null, null, 10)))
          .hasSize(3);
      assertThat(
              items(store, new RotationQuery(null, null, "/elsewhere.log", null, null, null, 10)))
          .isEmpty();
      assertThat(items(store, new RotationQuery("n3", null, null, null, null, 10))).isEmpty();
    }
  }

  @Test
  void filteredPagesWalkTheHoursNewestFirstAcrossGapsWithStableCursors() throws Exception {
    // Hours and days with events and without, several events in a second, and the first day of
    // 1970.
    List<RotationEvent> all = new ArrayList<>();
    int[] days = {0, 1, 2, 5, 9, 40};
    for (int d : days) {
      for (int i = 0; i < 23; i++) {
        Result result = i % 4 == 0 ? Result.FAILED : Result.SUCCESS;
        Instant at = T0.minus(Duration.ofDays(d)).minusSeconds(i / 3L * 3_000);
        all.add(rotation("n" + (i % 3), "/log-" + (i % 2), result, at, "zstd"));
      }
    }
    all.add(rotation("n1", "/log-1", Result.FAILED, Instant.parse("1970-01-01T10:00:00Z"), "zstd"));
    all.add(
        rotation("n1", "/log-1", Result.SUCCESS, Instant.parse("1970-01-01T00:00:05Z"), "zstd"));
    all.add(
        rotation("n1", "/log-1", Result.SUCCESS, Instant.parse("1970-01-02T00:00:00Z"), "zstd"));
    try (HistoryStore store = open(Duration.ofDays(100_000), clock)) {
      store.append(all).get();
      Instant since = T0.minus(Duration.ofDays(5)).minusSeconds(20_000);
      for (RotationQuery q :
          List.of(
              new RotationQuery("n1", null, null, null, null, 4),
              new RotationQuery("n1", null, null, Result.FAILED, null, null, 2),
              new RotationQuery("n2", null, null, Result.SUCCESS, null, null, 5),
              new RotationQuery(null, "mcp-server", null, null, null, 9),
              new RotationQuery(null, null, "/log-1", null, null, null, 6),
              new RotationQuery("n0", null, "/log-0", null, since, null, 3),
              new RotationQuery("n0", null, null, null, since, null, 1_000))) {
        List<RotationEvent> want =
            all.stream()
                .filter(e -> q.node() == null || e.nodeId().equals(q.node()))
                .filter(e -> q.group() == null || e.group().equals(q.group()))
                .filter(e -> q.path() == null || e.path().equals(q.path()))
                .filter(e -> q.result() == null || e.result() == q.result())
                .filter(e -> q.since() == null || !e.finishedAt().isBefore(q.since()))
                .sorted(NEWEST_FIRST)
                .toList();
        List<RotationEvent> seen = new ArrayList<>();
        RotationPage page = store.query(q);
        seen.addAll(page.items());
        while (page.next().isPresent()) {
          assertThat(page.items()).as("%s: a page with a next is full", q).hasSize(q.limit());
          page = store.query(q.after(page.next().get(), q.limit()));
          seen.addAll(page.items());
        }
        assertThat(seen).as("%s", q).containsExactlyElementsOf(want).isNotEmpty();
      }
      assertThat(items(store, new RotationQuery("nobody", null, null, null, null, 10))).isEmpty();
    }
  }

  private static List<RotationEvent> items(HistoryStore store, RotationQuery q) {
    return store.query(q).items();
  }

  @Test
  void forEachSinceVisitsNewestFirstDownToSince() throws Exception {
    try (HistoryStore store = open()) {
      RotationEvent a = Wire.event("n1", Result.SUCCESS, T0);
      RotationEvent b = Wire.event("n1", Result.SUCCESS, T0.plusSeconds(5));
      RotationEvent c = Wire.event("n1", Result.SUCCESS, T0.plusSeconds(9));
      store.append(List.of(b, a, c)).get();
      List<RotationEvent> seen = new ArrayList<>();
      store.forEachSince(T0.plusSeconds(5), seen::add);
      assertThat(seen).containsExactly(c, b);
    }
  }

  @Test
  void retentionDeletesOldEventsInBatchesAndKeepsRecentOnes() throws Exception {
    try (HistoryStore store = open(Duration.ofDays(2), clock)) {
      List<RotationEvent> old = new ArrayList<>();
      for (int i = 0; i < SqlHistoryStore.SWEEP_BATCH * 2 + 17; i++) {
        old.add(event("n" + (i % 50), "g", Result.SUCCESS, T0.plusMillis(i)));
      }
      store.append(old).get();
      clock.advance(Duration.ofDays(4));
      RotationEvent recent = Wire.event("n1", Result.SUCCESS, clock.instant());
      store.append(List.of(recent)).get();
      store.sweep(clock.instant());
      assertThat(store.query(RotationQuery.all(10)).items()).containsExactly(recent);
      assertThat(store.size()).isEqualTo(1);
      assertThat(store.contains(old.get(0))).isFalse();
      assertThat(store.contains(recent)).isTrue();
    }
  }

  private static RotationEvent rotation(
      String node, String path, Result result, Instant at, String codec) {
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        node,
        "mcp-server",
        path,
        Trigger.SIZE,
        at.minusSeconds(3),
        at,
        result,
        result == Result.FAILED ? FailureReason.IO_ERROR : null,
        null,
        100_000_000,
        result == Result.SUCCESS ? 10_000_000 : 0,
        codec,
        "redis",
        5,
        1);
  }

  @Test
  void restoredRotationsAreWhatTheHeldEventsAddUpTo() throws Exception {
    RotationEvent compressed = rotation("n1", "/a", Result.SUCCESS, T0.minus(HOURS_2), "zstd");
    RotationEvent failed = rotation("n1", "/a", Result.FAILED, T0.minusSeconds(600), "zstd");
    RotationEvent lateOld =
        rotation("n1", "/a", Result.SUCCESS, T0.minus(HOURS_2).minusSeconds(3600), "gzip");
    RotationEvent skipped = rotation("n1", "/b", Result.SKIPPED, T0.minusSeconds(1200), "none");
    RotationEvent yesterday = rotation("n2", "/a", Result.SUCCESS, T0.minus(HOURS_25), "zstd");
    RotationEvent recent = rotation("n2", "/a", Result.SUCCESS, T0.minusSeconds(60), "zstd");
    RotationEvent gone =
        rotation("n3", "/c", Result.SUCCESS, T0.minus(HOURS_25).minusSeconds(3600), "zstd");
    try (HistoryStore store = open(Duration.ofHours(25).plusMinutes(30), clock)) {
      store.append(List.of(compressed, failed, skipped, yesterday, gone)).get();
      store.append(List.of(recent, compressed, lateOld)).get();
      assertThat(store.size()).isEqualTo(7);
      store.sweep(T0);
      assertThat(store.size()).isEqualTo(6);
    }
    try (HistoryStore store = open(Duration.ofHours(25).plusMinutes(30), clock)) {
      assertThat(store.size()).as("counted from the summaries at open").isEqualTo(6);
      RestoredRotations r = store.restoredRotations(T0);
      assertThat(r.counts())
          .containsExactlyInAnyOrder(
              new RestoredRotations.NodeCount(
                  "n1", new RotationCount("mcp-server", Result.SUCCESS, null, 2)),
              new RestoredRotations.NodeCount(
                  "n1", new RotationCount("mcp-server", Result.FAILED, FailureReason.IO_ERROR, 1)),
              new RestoredRotations.NodeCount(
                  "n1", new RotationCount("mcp-server", Result.SKIPPED, null, 1)),
              new RestoredRotations.NodeCount(
                  "n2", new RotationCount("mcp-server", Result.SUCCESS, null, 2)));
      assertThat(r.latest())
          .as("the newest rotation per file; the last compression ratio carries over")
          .containsExactlyInAnyOrder(
              new RestoredRotations.NodeRotation(
                  "n1",
                  new LastRotation(
                      "/a",
                      failed.finishedAt(),
                      3_000,
                      Result.FAILED,
                      0.1,
                      compressed.finishedAt())),
              new RestoredRotations.NodeRotation(
                  "n1",
                  new LastRotation(
                      "/b", skipped.finishedAt(), 3_000, Result.SKIPPED, Double.NaN, null)),
              new RestoredRotations.NodeRotation(
                  "n2",
                  new LastRotation(
                      "/a", recent.finishedAt(), 3_000, Result.SUCCESS, 0.1, recent.finishedAt())));
      assertThat(r.fleetDay())
          .allMatch(b -> b.node() == null && b.start().getEpochSecond() % 300 == 0);
      assertThat(r.fleetDay().stream().mapToLong(RestoredRotations.Bucket::successes).sum())
          .as("compressed, lateOld, recent finished within the day")
          .isEqualTo(3);
      assertThat(r.fleetDay().stream().mapToLong(RestoredRotations.Bucket::failures).sum())
          .isEqualTo(1);
      assertThat(r.nodeHour())
          .containsExactlyInAnyOrder(
              new RestoredRotations.Bucket("n1", bucket(failed.finishedAt()), 0, 1),
              new RestoredRotations.Bucket("n2", bucket(recent.finishedAt()), 1, 0));
    }
  }

  private static final Duration HOURS_2 = Duration.ofHours(2);
  private static final Duration HOURS_25 = Duration.ofHours(25);

  private static Instant bucket(Instant at) {
    return Instant.ofEpochSecond(at.getEpochSecond() - Math.floorMod(at.getEpochSecond(), 300));
  }

  @Test
  void nodeSnapshotIsReplacedAndSurvivesReopening() throws Exception {
    SavedNode n1 = new SavedNode(Wire.heartbeat("n1", T0, 0.4), T0, Duration.ofSeconds(20));
    SavedNode n2 = new SavedNode(Wire.heartbeat("n2", T0, 0.5), T0, Duration.ofSeconds(15));
    try (HistoryStore store = open()) {
      assertThat(store.loadNodes()).isEmpty();
      store.saveNodes(List.of(n1, n2));
      store.saveNodes(List.of(n2));
    }
    try (HistoryStore store = open()) {
      assertThat(store.loadNodes()).containsExactly(n2);
    }
  }

  @Test
  void appendsToAClosedStoreFailWithAnIOException() throws Exception {
    HistoryStore store = open();
    store.close();
    assertThatThrownBy(() -> store.append(List.of(Wire.event("n1", Result.SUCCESS, T0))).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void slicesCountAndDigestTheEventsOfEachSliceFromTheTimeIndex() throws Exception {
    try (HistoryStore store = open()) {
      store
          .append(
              List.of(
                  Wire.event("n1", Result.SUCCESS, T0.plusMillis(1_500)),
                  Wire.event("n2", Result.FAILED, T0.plusSeconds(59).plusNanos(1_999)),
                  Wire.event("n1", Result.SUCCESS, T0.plusSeconds(3_600 + 7)),
                  Wire.event("n1", Result.SUCCESS, T0.minusSeconds(1)),
                  Wire.event("n1", Result.SUCCESS, T0.plusSeconds(7_200))))
          .get();

      // [T0, T0 + 2h) by hour: the event before and the one at the end are outside.
      assertThat(store.slices(T0, T0.plusSeconds(7_200), Duration.ofHours(1)))
          .containsExactly(
              new TimeSlice(T0, 2, 1_500_000 + 59_000_001),
              new TimeSlice(T0.plusSeconds(3_600), 1, 7_000_000));
      // By minute, the first hour's two events fall into one slice, the third into the 61st.
      assertThat(store.slices(T0, T0.plusSeconds(7_200), Duration.ofMinutes(1)))
          .extracting(TimeSlice::start)
          .containsExactly(T0, T0.plusSeconds(3_600));
      assertThat(store.slices(T0.plusSeconds(7_201), T0.plusSeconds(9_000), Duration.ofHours(1)))
          .isEmpty();
    }
  }

  @Test
  void hourSlicesAreKeptWithAppendsResendsAndSweepsAsTheTimeIndexCountsThem() throws Exception {
    try (HistoryStore store = open(Duration.ofHours(10), clock)) {
      List<RotationEvent> events = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        // Every 61 s from T0 - 30 min on: eleven hours, the first and last in part.
        events.add(event("n" + (i % 7), "g", Result.SUCCESS, T0.plusSeconds(61L * i - 1_800)));
      }
      store.append(events.subList(0, 400)).get();
      store.append(events.subList(300, 600)).get(); // a hundred resent
      Instant from = T0.minusSeconds(3_600);
      Instant to = T0.plusSeconds(61L * 600);
      assertThat(store.slices(from, to, Duration.ofHours(1)))
          .as("whole hours from the hour slices")
          .isEqualTo(expectedHours(events, from, to))
          .hasSize(11);
      // The same hours, scanned: a minute before each hour, so none is whole.
      assertThat(
              store.slices(from.minusSeconds(60), to, Duration.ofHours(1)).stream()
                  .mapToLong(TimeSlice::count)
                  .sum())
          .isEqualTo(600);
      // An end within an hour: that hour counted up to the end only.
      Instant cut = T0.plusSeconds(5 * 3_600 + 1_000);
      assertThat(store.slices(from, cut, Duration.ofHours(1)))
          .isEqualTo(expectedHours(events, from, cut));

      // The sweep's cutoff falls within an hour: what is left of it is what the slices say.
      clock.advance(Duration.ofHours(12).plusMinutes(20));
      store.sweep(clock.instant());
      Instant cutoff = clock.instant().minus(Duration.ofHours(10));
      List<RotationEvent> kept =
          events.stream().filter(e -> !e.finishedAt().isBefore(cutoff)).toList();
      assertThat(kept.size()).isBetween(1, 599);
      assertThat(store.slices(from, to, Duration.ofHours(1)))
          .isEqualTo(expectedHours(kept, from, to));
    }
  }

  /** What a store of {@code events} holds by whole hour in [from, to), from is a whole hour. */
  private static List<TimeSlice> expectedHours(
      List<RotationEvent> events, Instant from, Instant to) {
    java.util.TreeMap<Instant, long[]> hours = new java.util.TreeMap<>();
    for (RotationEvent e : events) {
      if (!e.finishedAt().isBefore(from) && e.finishedAt().isBefore(to)) {
        long ns = SqlHistoryStore.nanos(e.finishedAt());
        long[] sums =
            hours.computeIfAbsent(
                Instant.ofEpochSecond(ns / HourSlices.HOUR_NANOS * 3_600), h -> new long[2]);
        sums[0]++;
        sums[1] += (ns % HourSlices.HOUR_NANOS) / 1_000;
      }
    }
    List<TimeSlice> out = new ArrayList<>();
    hours.forEach((start, sums) -> out.add(new TimeSlice(start, sums[0], sums[1])));
    return out;
  }

  @Test
  void slicePagesListARangeOldestFirstAfterACursor() throws Exception {
    try (HistoryStore store = open()) {
      List<RotationEvent> events = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        // Pairs finished at the same instant: the event id orders them.
        events.add(Wire.event("n" + i, Result.SUCCESS, T0.plusSeconds(i / 2)));
      }
      store.append(events).get();
      List<RotationEvent> expected =
          events.stream()
              .filter(e -> e.finishedAt().isBefore(T0.plusSeconds(12)))
              .sorted(NEWEST_FIRST.reversed())
              .toList();

      List<RotationEvent> read = new ArrayList<>();
      Cursor after = null;
      for (List<RotationEvent> page;
          !(page = store.slicePage(T0, T0.plusSeconds(12), after, 5)).isEmpty(); ) {
        assertThat(page.size()).isLessThanOrEqualTo(5);
        read.addAll(page);
        RotationEvent last = page.get(page.size() - 1);
        after = new Cursor(last.finishedAt(), last.eventId());
      }

      assertThat(read).hasSize(24).containsExactlyElementsOf(expected);
    }
  }
}
