package io.fleetrotate.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Wire;
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

    assertThatThrownBy(() -> perSecondOverADay.get(30, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "a history slice is at least 1 s wide, and under 1 h only within one hour");
    assertThat(perMinuteInAnHour.get(30, TimeUnit.SECONDS)).isEmpty();
  }

  /** {@code n} events finished evenly over {@code seconds} from {@code from}. */
  private static List<RotationEvent> spread(int n, Instant from, long seconds) {
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
