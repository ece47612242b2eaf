import io.fleetrotate.coordinator.cluster.ClusterMember;
import io.fleetrotate.coordinator.cluster.ClusterParts;
import io.fleetrotate.coordinator.cluster.ClusterSync;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.proto.RotationEvent;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
      ClusterParts parts = new ClusterParts(2, RETENTION, open);
      ClusterMember memberA = parts.member(0);
      ClusterSync syncA = parts.sync(memberA, a);
      long t0 = System.nanoTime();
      AtomicLong maxHeap = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleWithFixedDelay(
          () -> maxHeap.accumulateAndGet(heapAfterGc(), Math::max), 1, 2, TimeUnit.SECONDS);
      parts.sync(parts.member(1), b);
      while (b.size() < total) {
        Thread.sleep(100);
        if (System.nanoTime() - t0 > Duration.ofMinutes(6).toNanos()) {
          System.out.printf("%,d events: not caught up in 6 min (%,d)%n", total, b.size());
          return;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      sampler.shutdown();
      sampler.awaitTermination(1, TimeUnit.MINUTES);
      System.out.printf(
          "%,d events: B caught up in %.1f s (%,.0f events/s); heap after GC before %d MiB,"
              + " max during %d MiB, after %d MiB; relay entries %d; load %s%n",
          total,
          seconds,
          total / seconds,
          before >> 20,
          maxHeap.get() >> 20,
          heapAfterGc() >> 20,
          memberA.hazelcast().getMap("fleetrotate-coordinator-events").size(),
          Files.readString(Path.of("/proc/loadavg")).trim());
      burst(a, b, syncA, memberA, total);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  /**
   * 100,000 new events through A's ingest path (store, then the relay with its backup), as fast as
   * they go: the relay stays within its bound, B's listener stores every one.
   */
  static void burst(HistoryStore a, HistoryStore b, ClusterSync syncA, ClusterMember memberA, long from)
      throws Exception {
    int burst = 100_000;
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> flight = new ArrayList<>();
    for (long n = from; n < from + burst; ) {
      List<RotationEvent> batch = new ArrayList<>(500);
      for (int i = 0; i < 500; i++, n++) {
        batch.add(HistoryStoreBench.event(n, Instant.now()));
      }
      flight.add(a.append(batch).thenCompose(syncA::publish));
      if (flight.size() == 8) {
        flight.remove(0).get();
      }
    }
    for (var f : flight) {
      f.get();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long heap = heapAfterGc();
    int relay = memberA.hazelcast().getMap("fleetrotate-coordinator-events").size();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (b.size() < from + burst && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    System.out.printf(
        "burst of %,d events: acked in %.1f s (%,.0f events/s); relay entries %,d (bound %,d per"
            + " member); heap after GC %d MiB; B holds %,d of %,d%n",
        burst,
        seconds,
        burst / seconds,
        relay,
        CoordinatorConfig.Relay.DEFAULTS.maxEventsPerMember(),
        heap >> 20,
        b.size(),
        from + burst);
  }

  static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
