import io.fleetrotate.coordinator.cluster.ClusterMember;
import io.fleetrotate.coordinator.cluster.ClusterSync;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.proto.RotationEvent;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Two coordinators' cluster parts (Hazelcast member, ClusterSync, SQLite store) in one JVM: A holds
 * N events over 30 days, B starts empty and catches up all of them from A's store. Prints the time
 * it took and the largest heap after GC seen while it ran (both members share this JVM's heap).
 */
public class ClusterCatchUpBench {
  static final Duration RETENTION = Duration.ofDays(30);

  public static void main(String[] args) throws Exception {
    for (String size : args.length > 0 ? args : new String[] {"200000", "1000000"}) {
      run(Long.parseLong(size));
    }
  }

  static void run(long total) throws Exception {
    Path dirA = Files.createTempDirectory("fleetrotate-catchup-a-");
    Path dirB = Files.createTempDirectory("fleetrotate-catchup-b-");
    Instant now = Instant.now();
    long step = RETENTION.minusHours(2).toNanos() / total;
    List<AutoCloseable> open = new ArrayList<>();
    try {
      HistoryStore a = SqlHistoryStore.openEmbedded(dirA, RETENTION, Clock.systemUTC());
      open.add(a);
      List<CompletableFuture<List<RotationEvent>>> flight = new ArrayList<>();
      for (long n = 0; n < total; ) {
        List<RotationEvent> batch = new ArrayList<>(10_000);
        for (int i = 0; i < 10_000 && n < total; i++, n++) {
          batch.add(HistoryStoreBench.event(n, now.minus(RETENTION).plusSeconds(3_600).plusNanos(n * step)));
        }
        flight.add(a.append(batch));
        if (flight.size() == 4) {
          flight.remove(0).get();
        }
      }
      for (var f : flight) {
        f.get();
      }
      HistoryStore b = SqlHistoryStore.openEmbedded(dirB, RETENTION, Clock.systemUTC());
      open.add(b);
      long before = heapAfterGc();
      List<String> members = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
      String cluster = "catch-up-bench-" + UUID.randomUUID();
      ClusterMember memberA = member(members, 0, cluster, open);
      sync(memberA, a, open);
      long t0 = System.nanoTime();
      ClusterMember memberB = member(members, 1, cluster, open);
      ClusterSync syncB = sync(memberB, b, open);
      long maxHeap = 0;
      while (b.size() < total) {
        Thread.sleep(2_000);
        maxHeap = Math.max(maxHeap, heapAfterGc());
        if (System.nanoTime() - t0 > Duration.ofMinutes(6).toNanos()) {
          System.out.printf("%,d events: not caught up in 6 min (%,d)%n", total, b.size());
          return;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Object exchanged = syncB.exchanged();
      System.out.printf(
          "%,d events: B caught up in %.1f s (%,.0f events/s, %s); heap after GC before %d MiB,"
              + " max during %d MiB, after %d MiB; relay entries %d; load %s%n",
          total,
          seconds,
          total / seconds,
          exchanged,
          before >> 20,
          maxHeap >> 20,
          heapAfterGc() >> 20,
          memberA.hazelcast().getMap("fleetrotate-coordinator-events").size(),
          Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  static ClusterMember member(List<String> members, int self, String cluster, List<AutoCloseable> open) {
    int port = Integer.parseInt(members.get(self).substring("127.0.0.1:".length()));
    ClusterMember m =
        ClusterMember.start(
            new CoordinatorConfig.Hazelcast(
                true, port, members, cluster, "127.0.0.1", CoordinatorConfig.Relay.DEFAULTS),
            RETENTION);
    open.add(m);
    return m;
  }

  static ClusterSync sync(ClusterMember member, HistoryStore store, List<AutoCloseable> open) {
    FleetState fleet = new FleetState(Clock.systemUTC(), new FleetState.NodeLimits(3, 10, 60, 100_000));
    ClusterSync sync = new ClusterSync(member, fleet, store, RETENTION, false, store::append, e -> {});
    open.add(sync::close);
    sync.start();
    return sync;
  }

  static long heapAfterGc() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
