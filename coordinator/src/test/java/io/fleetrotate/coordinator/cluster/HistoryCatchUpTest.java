package io.fleetrotate.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.history.Cursor;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Hazelcast members in one JVM, each with its ClusterSync over its own SQLite file, sharing a
 * history of 200,000 events that differs in a few slices: the catch-up reads only those slices,
 * page by page, and the relay map never receives the history.
 */
class HistoryCatchUpTest {
  static final Duration RETENTION = Duration.ofDays(30);
  static final int SHARED = 200_000;

  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void membersExchangeOnlyTheSlicesThatDifferAndTheRelayNeverHoldsTheHistory() throws Exception {
    Instant now = Instant.now();
    // 200,000 events over the 30 days up to two hours ago, in both stores (one file, copied).
    try (HistoryStore seed = SqlHistoryStore.openEmbedded(dirA, RETENTION, Clock.systemUTC())) {
      Random random = new Random(15);
      long span = RETENTION.minusHours(3).toSeconds();
      for (int batch = 0; batch < SHARED / 10_000; batch++) {
        List<RotationEvent> events = new ArrayList<>(10_000);
        for (int i = 0; i < 10_000; i++) {
          Instant at =
              now.minus(RETENTION)
                  .plusSeconds(3_600 + (long) (random.nextDouble() * span))
                  .plusNanos(random.nextInt(1_000_000_000));
          events.add(Wire.event("n" + random.nextInt(100), Result.SUCCESS, at));
        }
        seed.append(events).get();
      }
    }
    copyStore(dirA, dirB);
    // A alone took 1,500 events in the hour before last and 20 within the shared history; B alone
    // took 700 in the last hour.
    List<RotationEvent> onlyA = new ArrayList<>(spread(1_500, now.minusSeconds(7_200), 3_600));
    onlyA.addAll(spread(20, now.minus(Duration.ofDays(10)), 3_000));
    List<RotationEvent> onlyB = spread(700, now.minusSeconds(3_600), 3_500);
    HistoryStore storeA = open(dirA);
    HistoryStore storeB = open(dirB);
    storeA.append(onlyA).get();
    storeB.append(onlyB).get();
    long heapBefore = heapAfterGc();

    ClusterParts parts = new ClusterParts(2, RETENTION, closeables);
    ClusterMember memberA = parts.member(0);
    ClusterSync syncA = parts.sync(memberA, storeA);
    ClusterMember memberB = parts.member(1);
    await().atMost(Duration.ofSeconds(60)).until(() -> memberA.members() == 2);
    ClusterSync syncB = parts.sync(memberB, storeB);

    long total = SHARED + onlyA.size() + onlyB.size();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> storeA.size() == total && storeB.size() == total);
    // Each added exactly what it lacked (B at its start, A when it saw B join).
    await().atMost(Duration.ofSeconds(30)).until(() -> syncA.exchanged().added() == onlyB.size());
    await().atMost(Duration.ofSeconds(30)).until(() -> syncB.exchanged().added() == onlyA.size());
    long heapAfter = heapAfterGc();
    HistoryCatchUp.Exchange toA = syncA.exchanged();
    HistoryCatchUp.Exchange toB = syncB.exchanged();
    System.out.printf(
        "catch-up over %d shared events: A read %s, B read %s; heap after GC %d MiB before, %d"
            + " MiB after%n",
        SHARED, toA, toB, heapBefore >> 20, heapAfter >> 20);

    // Each read the differing hours only: what it lacked, and at most the few hundred events it
    // held already in those hours (the other may have pulled some of its own meanwhile), never the
    // 200,000.
    assertThat(toA.transferred()).isBetween(toA.added(), toA.added() + 3_000L);
    assertThat(toB.transferred()).isBetween(toB.added(), toB.added() + 3_000L);
    assertThat(storeB.contains(onlyA.get(1_510))).isTrue();
    assertThat(storeA.contains(onlyB.get(699))).isTrue();
    // Catch-up goes store to store: the relay map received none of it.
    assertThat(memberA.hazelcast().getMap(ClusterMember.EVENTS_MAP).size()).isZero();
  }

  @Test
  void aSliceRequestThatWouldAnswerASlicePerEventIsRefused() throws Exception {
    HistoryStore store = open(dirA);
    ClusterParts parts = new ClusterParts(1, RETENTION, closeables);
    ClusterMember member = parts.member(0);
    parts.sync(member, store);
    var executor = member.hazelcast().getExecutorService(HistoryCatchUp.EXECUTOR);
    Instant now = Instant.now();

    var perSecondOverADay =
        executor.submitToMember(
            new HistoryCatchUp.Slices(now.minus(Duration.ofDays(1)), now, Duration.ofSeconds(1)),
            member.hazelcast().getCluster().getLocalMember());
    var perMinuteInAnHour =
        executor.submitToMember(
            new HistoryCatchUp.Slices(now.minusSeconds(3_600), now, Duration.ofMinutes(1)),
            member.hazelcast().getCluster().getLocalMember());
    // Two-hour slices, or hours not from a whole hour, would be a scan of the whole history.
    Instant wholeHour = Instant.ofEpochSecond(now.getEpochSecond() / 3_600 * 3_600);
    var twoHourly =
        executor.submitToMember(
            new HistoryCatchUp.Slices(wholeHour.minus(RETENTION), now, Duration.ofHours(2)),
            member.hazelcast().getCluster().getLocalMember());
    var hourlyOffTheHour =
        executor.submitToMember(
            new HistoryCatchUp.Slices(
                wholeHour.minus(RETENTION).plusSeconds(1), now, Duration.ofHours(1)),
            member.hazelcast().getCluster().getLocalMember());
    var hourly =
        executor.submitToMember(
            new HistoryCatchUp.Slices(wholeHour.minus(RETENTION), now, Duration.ofHours(1)),
            member.hazelcast().getCluster().getLocalMember());

    for (var refused : List.of(perSecondOverADay, twoHourly, hourlyOffTheHour)) {
      assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "a history slice is 1 h wide from a whole hour, or 1 s to 1 h wide within one hour");
    }
    assertThat(perMinuteInAnHour.get(30, TimeUnit.SECONDS)).isEmpty();
    assertThat(hourly.get(30, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aCatchUpOfManyPagesAndSubSlicesEndsWithTheSameEventsInBothStores() throws Exception {
    Instant now = Instant.now();
    Instant denseHour = Instant.ofEpochSecond(now.getEpochSecond() / 3_600 * 3_600 - 5 * 3_600);
    // 24,000 events in ten minutes of one hour (2,400 a minute, 40 a second); B holds the first
    // 8,000 of them, so that hour and its minutes differ, and each minute that differs holds more
    // than a page and is compared again by second.
    List<RotationEvent> dense = spread(24_000, denseHour.plusSeconds(600), 600);
    // 6,000 over three other hours, of which B holds none: read whole, a page at a time.
    List<RotationEvent> sparse = spread(6_000, denseHour.minusSeconds(4 * 3_600), 3 * 3_600);
    // 500 that only B holds.
    List<RotationEvent> onlyB = spread(500, denseHour.plusSeconds(2 * 3_600), 1_800);
    HistoryStore storeA = open(dirA);
    HistoryStore storeB = open(dirB);
    storeA.append(dense).get();
    storeA.append(sparse).get();
    storeB.append(dense.subList(0, 8_000)).get();
    storeB.append(onlyB).get();

    ClusterParts parts = new ClusterParts(2, RETENTION, closeables);
    ClusterMember memberA = parts.member(0);
    ClusterSync syncA = parts.sync(memberA, storeA);
    ClusterMember memberB = parts.member(1);
    await().atMost(Duration.ofSeconds(60)).until(() -> memberA.members() == 2);
    ClusterSync syncB = parts.sync(memberB, storeB);

    long total = dense.size() + sparse.size() + onlyB.size();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> storeA.size() == total && storeB.size() == total);
    await().atMost(Duration.ofSeconds(30)).until(() -> syncA.exchanged().added() == 500);
    await().atMost(Duration.ofSeconds(30)).until(() -> syncB.exchanged().added() == 22_000);

    List<String> idsA = eventIds(storeA);
    assertThat(idsA).hasSize((int) total).doesNotHaveDuplicates();
    assertThat(eventIds(storeB)).isEqualTo(idsA);
    HistoryCatchUp.Exchange toB = syncB.exchanged();
    System.out.printf("many pages and sub-slices: B read %s%n", toB);
    // At most the one second B held in part is read again (40 events).
    assertThat(toB.transferred()).isBetween(22_000L, 22_040L);
    assertThat(toB.pages()).isGreaterThanOrEqualTo(22);
    // 4 hours, 7 minutes of the dense hour, the 40 seconds of the minute B held a third of.
    assertThat(toB.slicesDiffering()).as("hours, minutes and seconds").isEqualTo(51);
  }

  /** Every event id of {@code store}, oldest first, through its catch-up pages. */
  static List<String> eventIds(HistoryStore store) {
    List<String> ids = new ArrayList<>();
    Instant from = Instant.now().minus(RETENTION);
    Instant to = Instant.now().plus(Duration.ofDays(1));
    Cursor after = null;
    for (List<RotationEvent> page; !(page = store.slicePage(from, to, after, 1_000)).isEmpty(); ) {
      page.forEach(e -> ids.add(e.eventId().toString()));
      RotationEvent last = page.get(page.size() - 1);
      after = new Cursor(last.finishedAt(), last.eventId());
    }
    return ids;
  }

  /** {@code n} events finished evenly over {@code seconds} from {@code from}. */
  static List<RotationEvent> spread(int n, Instant from, long seconds) {
    List<RotationEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(
          Wire.event("m" + (i % 7), Result.SUCCESS, from.plusMillis(seconds * 1_000 * i / n)));
    }
    return events;
  }

  private HistoryStore open(Path dir) throws IOException {
    HistoryStore store = SqlHistoryStore.openEmbedded(dir, RETENTION, Clock.systemUTC());
    closeables.add(store);
    return store;
  }

  private static void copyStore(Path from, Path to) throws IOException {
    try (var files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
