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
 * it took, the longest single exchange with the peer, and the largest heap after GC seen while it
 * ran (both members share this JVM's heap). Before the catch-up, the cost of comparing the whole
 * retention by hour: from the hour slices (what the catch-up asks now) and by a scan of the time
 * index (what it asked before), alternating.
 *
 * <p>Options: {@code -Dbench.seconds=S} stops B's catch-up after S seconds (default 360) and
 * reports what it did by then; {@code -Dbench.keep=DIR} keeps A's store in DIR/N and reuses it
 * when it holds N events already (a large preload takes minutes; no burst then, which would stay
 * in it); {@code -Dbench.comparisons=K}
 * times each way of comparing K times (default 3); {@code -Dbench.days=D} spreads A's N events
 * over the last D days instead of 30 (2,160,000 over 3 days are 30,000 an hour, as 21.6 million
 * over 30 days).
 */
public class ClusterCatchUpBench {
  static final Duration RETENTION = Duration.ofDays(30);
  static final long SECONDS = Long.getLong("bench.seconds", 360);
  static final String KEEP = System.getProperty("bench.keep");
  static final int COMPARISONS = Integer.getInteger("bench.comparisons", 3);
  static final int DAYS = Integer.getInteger("bench.days", 30);

  public static void main(String[] args) throws Exception {
    for (String size : args.length > 0 ? args : new String[] {"200000", "1000000"}) {
      run(Long.parseLong(size));
    }
  }

  static void run(long total) throws Exception {
    Path dirA =
        KEEP == null
            ? Files.createTempDirectory("fleetrotate-catchup-a-")
            : Files.createDirectories(Path.of(KEEP, Long.toString(total)));
    Path dirB = Files.createTempDirectory("fleetrotate-catchup-b-");
    Instant now = Instant.now();
    long step = Duration.ofDays(DAYS).minusHours(3).toNanos() / total;
    List<AutoCloseable> open = new ArrayList<>();
    try {
      HistoryStore a = SqlHistoryStore.openEmbedded(dirA, RETENTION, Clock.systemUTC());
      open.add(a);
      if (a.size() == total) {
        System.out.printf("%,d events: A's store reused from %s%n", total, dirA);
      } else if (a.size() > 0) {
        throw new IllegalStateException(dirA + " holds " + a.size() + " events, not " + total);
      } else {
        preload(a, total, now, step);
      }
      compare(a, total);
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
      ClusterSync syncB = parts.sync(parts.member(1), b);
      boolean whole = true;
      while (b.size() < total) {
        Thread.sleep(100);
        if (System.nanoTime() - t0 > Duration.ofSeconds(SECONDS).toNanos()) {
          whole = false;
          break;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      sampler.shutdown();
      sampler.awaitTermination(1, TimeUnit.MINUTES);
      long caughtUp = b.size();
      System.out.printf(
          "%,d events: B %s %,d in %.1f s (%,.0f events/s); longest single exchange %d ms;"
              + " heap after GC before %d MiB, max during %d MiB, after %d MiB; relay entries %d;"
              + " load %s%n",
          total,
          whole ? "caught up" : "stopped after " + SECONDS + " s, having caught up",
          caughtUp,
          seconds,
          caughtUp / seconds,
          syncB.longestCatchUpCall().toMillis(),
          before >> 20,
          maxHeap.get() >> 20,
          heapAfterGc() >> 20,
          memberA.hazelcast().getMap("fleetrotate-coordinator-events").size(),
          Files.readString(Path.of("/proc/loadavg")).trim());
      if (whole && KEEP == null) { // the burst would stay in a kept store
        burst(a, b, syncA, memberA, total);
      }
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
      // The stores take about 0.9 GB per million events: gone with the run, unless kept.
      deleteTree(dirB);
      if (KEEP == null) {
        deleteTree(dirA);
      }
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }

  /**
   * The hourly comparison of the whole retention on A's store, as the catch-up asks it (from the
   * hour slices) and as it asked before (a scan of the time index: an hour one nanosecond off the
   * whole hour takes that path), alternating: medians.
   */
  static void compare(HistoryStore a, long total) {
    Instant now = Instant.now();
    long start = now.minus(RETENTION).getEpochSecond() / 3_600 * 3_600 + 3_600;
    Instant since = Instant.ofEpochSecond(start);
    Instant end = Instant.ofEpochSecond(0, Long.MAX_VALUE);
    List<Long> summary = new ArrayList<>();
    List<Long> scan = new ArrayList<>();
    long hours = 0;
    long events = 0;
    for (int i = 0; i < COMPARISONS; i++) {
      long t0 = System.nanoTime();
      var fromSummary = a.slices(since, end, Duration.ofHours(1));
      summary.add(System.nanoTime() - t0);
      t0 = System.nanoTime();
      var scanned = a.slices(since.minusNanos(1), end, Duration.ofHours(1));
      scan.add(System.nanoTime() - t0);
      hours = fromSummary.size();
      events = scanned.stream().mapToLong(s -> s.count()).sum();
    }
    summary.sort(null);
    scan.sort(null);
    int median = COMPARISONS / 2;
    System.out.printf(
        "%,d events: hourly slices of the retention (%d hours, %,d events): from the hour slices"
            + " %.1f ms, by a scan of the time index %.1f ms (medians of %d, alternating; %.0fx);"
            + " load %s%n",
        total,
        hours,
        events,
        summary.get(median) / 1e6,
        scan.get(median) / 1e6,
        COMPARISONS,
        (double) scan.get(median) / summary.get(median),
        loadavg());
  }

  static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  static void preload(HistoryStore a, long total, Instant now, long step) throws Exception {
    long t0 = System.nanoTime();
    {
      List<CompletableFuture<List<RotationEvent>>> flight = new ArrayList<>();
      for (long n = 0; n < total; ) {
        List<RotationEvent> batch = new ArrayList<>(10_000);
        for (int i = 0; i < 10_000 && n < total; i++, n++) {
          // From two hours into the retention: a store reused within the hour is still all
          // within what the catch-up compares.
          batch.add(
              HistoryStoreBench.event(
                  n, now.minus(Duration.ofDays(DAYS)).plusSeconds(7_200).plusNanos(n * step)));
        }
        flight.add(a.append(batch));
        if (flight.size() == 4) {
          flight.remove(0).get();
        }
      }
      for (var f : flight) {
        f.get();
      }
    }
    System.out.printf(
        "%,d events: preloaded A in %.0f s%n", total, (System.nanoTime() - t0) / 1e9);
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
