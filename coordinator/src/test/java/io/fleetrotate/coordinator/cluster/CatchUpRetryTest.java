package io.fleetrotate.coordinator.cluster;

import static io.fleetrotate.coordinator.cluster.ClusterCatchUpTest.backDated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.testsupport.SmallTmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catch-up that fails is retried with a growing delay until it succeeds, without waiting for
 * another member to join or this one to restart. The failure is real: A's store is on a small tmpfs
 * that is full when A pulls what B holds.
 */
class CatchUpRetryTest {
  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<Coordinator> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(Coordinator::close);
  }

  @Test
  void aCatchUpThatFailedOnAFullDiskCompletesOnceThereIsRoomWithoutAnotherJoin() throws Exception {
    Path storeA = Files.createDirectories(dirA.resolve("store"));
    try (SmallTmpfs disk = SmallTmpfs.mount(storeA, "32m")) {
      int portA = Clusters.freePort();
      int portB = Clusters.freePort();
      List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
      // B took 5,000 events (five pages) over six hours that A never saw.
      List<RotationEvent> onlyB = backDated(5_000, Instant.now().minus(Duration.ofHours(6)));
      storeInB(onlyB);
      Coordinator a = start(storeA, portA, members);
      Path filler = disk.fill("filler");

      Coordinator b = start(dirB, portB, members);
      await().atMost(Duration.ofSeconds(60)).until(() -> a.cluster().get().members() == 2);
      Set<Member> cluster = a.cluster().get().hazelcast().getCluster().getMembers();
      AtomicInteger membershipChanges = new AtomicInteger();
      a.cluster().get().hazelcast().getCluster().addMembershipListener(counting(membershipChanges));

      // A pulled from B when it saw B join, and could not store: failed, retried, failed again.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_failures_total") >= 2);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_pending_peers") == 1);
      assertThat(a.history().size()).as("nothing stored while the disk is full").isLessThan(5_000);

      Files.delete(filler);

      // The next retry (at most a minute after the last failure) takes it all, once.
      await().atMost(RETRY_BOUND).until(() -> a.history().size() == 5_000);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_pending_peers") == 0);
      for (RotationEvent e : onlyB) {
        assertThat(a.history().contains(e)).as("event %s", e.eventId()).isTrue();
      }
      assertThat(a.fleet().lastDay().attempts()).isEqualTo(5_000);
      // No member joined, left or came back meanwhile: the retry alone did it.
      assertThat(membershipChanges).hasValue(0);
      assertThat(a.cluster().get().hazelcast().getCluster().getMembers()).isEqualTo(cluster);
      assertThat(b.history().size()).isEqualTo(5_000);
    }
  }

  @Test
  void aCatchUpThatFailedMidWayResumesAfterThePagesItStored() throws Exception {
    Path storeA = Files.createDirectories(dirA.resolve("store"));
    try (SmallTmpfs disk = SmallTmpfs.mount(storeA, "160m")) {
      int portA = Clusters.freePort();
      int portB = Clusters.freePort();
      List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
      // B took 30,000 events (thirty pages) over six hours that A never saw.
      int total = 30_000;
      List<RotationEvent> onlyB = backDated(total, Instant.now().minus(Duration.ofHours(6)));
      storeInB(onlyB);
      Coordinator a = start(storeA, portA, members);
      // Room for a few pages on A's disk, then none.
      Path room = storeA.resolve("room");
      Files.write(room, new byte[ROOM_BYTES]);
      Path filler = disk.fill("filler");
      Files.delete(room);

      start(dirB, portB, members);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_failures_total") >= 1);
      long storedBefore = a.history().size();
      System.out.printf("A stored %d of %d events before its disk was full%n", storedBefore, total);
      assertThat(storedBefore)
          .as("two pages or more stored, not all")
          .isBetween(2_000L, total - 1L);

      Files.delete(filler);

      await().atMost(RETRY_BOUND).until(() -> a.history().size() == total);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_pending_peers") == 0);
      double failures = Clusters.metric(a, "fleetrotate_catch_up_failures_total");
      double read = Clusters.metric(a, "fleetrotate_catch_up_events_read_total");
      System.out.printf("%.0f failures, %.0f events read for %d%n", failures, read, total);
      // Each failed attempt read again at most the page it could not store and the minute it was
      // in (83 events): the slices stored compare equal and are skipped. Starting over would have
      // read the 2,000 or more stored events again at each retry.
      assertThat(read)
          .isGreaterThanOrEqualTo(total)
          .isLessThanOrEqualTo(total + failures * 2 * 1_000);
      for (RotationEvent e : onlyB) {
        assertThat(a.history().contains(e)).as("event %s", e.eventId()).isTrue();
      }
      assertThat(HistoryCatchUpTest.eventIds(a.history())).doesNotHaveDuplicates().hasSize(total);
      assertThat(a.fleet().lastDay().attempts()).isEqualTo(total);
    }
  }

  /** B's history before B starts: events A never saw. */
  private void storeInB(List<RotationEvent> events) throws Exception {
    try (HistoryStore store =
        SqlHistoryStore.openEmbedded(dirB, Duration.ofDays(30), Clock.systemUTC())) {
      store.append(events).get();
    }
  }

  /** A cluster member's coordinator on {@code store}, its Hazelcast on {@code port}. */
  private Coordinator start(Path store, int port, List<String> members) throws Exception {
    return Clusters.start(
        running, TestCoordinators.withHazelcast(TestCoordinators.config(store), port, members));
  }

  /**
   * Free space left on A's disk: a few pages' worth of events, in the WAL and the database (all
   * 30,000 take about 50 MiB with a full WAL, which the disk has once the filler is deleted).
   */
  private static final int ROOM_BYTES = 6 << 20;

  @Test
  void aFailedCatchUpIsNoLongerRetriedOnceThePeerLeaves() throws Exception {
    Path storeA = Files.createDirectories(dirA.resolve("store"));
    try (SmallTmpfs disk = SmallTmpfs.mount(storeA, "32m")) {
      int portA = Clusters.freePort();
      int portB = Clusters.freePort();
      List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
      try (HistoryStore store =
          SqlHistoryStore.openEmbedded(dirB, Duration.ofDays(30), Clock.systemUTC())) {
        store.append(backDated(2_000, Instant.now().minus(Duration.ofHours(2)))).get();
      }
      Coordinator a = start(storeA, portA, members);
      disk.fill("filler");
      Coordinator b = start(dirB, portB, members);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_pending_peers") == 1);

      b.close();
      running.remove(b);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_pending_peers") == 0);
      double failures = Clusters.metric(a, "fleetrotate_catch_up_failures_total");
      assertThat(failures).isPositive();
      // Nothing is retried any more: the count stays as it is over several backoff periods.
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .until(() -> Clusters.metric(a, "fleetrotate_catch_up_failures_total") == failures);
    }
  }

  /** The longest wait between two attempts, and the time an attempt takes. */
  private static final Duration RETRY_BOUND = ClusterSync.RETRY_MAX.plusSeconds(30);

  private static MembershipListener counting(AtomicInteger changes) {
    return new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        changes.incrementAndGet();
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        changes.incrementAndGet();
      }
    };
  }
}
