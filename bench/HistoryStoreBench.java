import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The embedded history store at fleet scale: back-dated events of 10,000 nodes x 3 logs over 30
 * days, appended in agent-sized batches with several in flight; at checkpoints, heap after GC, RSS
 * and the p50/p99 of the queries the API serves.
 */
public class HistoryStoreBench {
  static final int NODES = 10_000;
  static final int BATCH = 500;
  static final int IN_FLIGHT = 8;

  public static void main(String[] args) throws Exception {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("fleetrotate-bench-");
    Instant now = Instant.now();
    Duration span = Duration.ofDays(30);
    long step = span.toNanos() / total;
    List<Long> checkpoints = new ArrayList<>(List.of(total / 5, total));
    try (HistoryStore store = SqlHistoryStore.openEmbedded(dir, span.plusDays(1), Clock.systemUTC())) {
      long written = 0;
      long ingestNanos = 0;
      List<CompletableFuture<List<RotationEvent>>> flight = new ArrayList<>();
      while (written < total) {
        long t0 = System.nanoTime();
        long until = Math.min(total, checkpoints.get(0));
        while (written < until) {
          List<RotationEvent> batch = new ArrayList<>(BATCH);
          for (int i = 0; i < BATCH && written < until; i++, written++) {
            Instant at = now.minus(span).plusNanos(written * step);
            batch.add(event(written, at));
          }
          flight.add(store.append(batch));
          if (flight.size() == IN_FLIGHT) {
            flight.remove(0).get();
          }
        }
        for (var f : flight) {
          f.get();
        }
        flight.clear();
        ingestNanos += System.nanoTime() - t0;
        checkpoints.remove(0);
        report(store, written, ingestNanos, dir);
      }
    }
  }

  static RotationEvent event(long n, Instant finishedAt) {
    int node = (int) (n % NODES);
    Result result = n % 50 == 0 ? Result.FAILED : Result.SUCCESS;
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        "node-" + node,
        "group-" + node % 20,
        "/var/log/mcp/server-" + (n / NODES) % 3 + ".log",
        Trigger.SIZE,
        finishedAt.minusSeconds(2),
        finishedAt,
        result,
        result == Result.FAILED ? io.fleetrotate.proto.FailureReason.IO_ERROR : null,
        null,
        100_000_000,
        10_000_000,
        "zstd",
        "hazelcast",
        120,
        n);
  }

  static void report(HistoryStore store, long events, long ingestNanos, Path dir) throws Exception {
    System.gc();
    Thread.sleep(200);
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    String rss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmRSS"))
            .findFirst()
            .orElse("VmRSS: ?")
            .replaceAll("\\s+", " ");
    System.out.printf(
        "%,d events: ingest %,.0f events/s; heap after GC %d MiB; %s; db %d MiB%n",
        events,
        events / (ingestNanos / 1e9),
        heap >> 20,
        rss,
        Files.size(dir.resolve("history.db")) >> 20);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    time("newest page (100)", () -> RotationQuery.all(100), store);
    time("node filter", () -> new RotationQuery("node-" + r.nextInt(NODES), null, null, null, null, 100), store);
    time(
        "node + FAILED",
        () -> new RotationQuery("node-" + r.nextInt(NODES), null, Result.FAILED, null, null, 100),
        store);
    time("group filter", () -> new RotationQuery(null, "group-" + r.nextInt(20), null, null, null, 100), store);
    time("FAILED filter", () -> new RotationQuery(null, null, Result.FAILED, null, null, 100), store);
  }

  static void time(String name, Supplier<RotationQuery> query, HistoryStore store) {
    int runs = 200;
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      store.query(query.get());
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "  %-18s p50 %.2f ms  p99 %.2f ms%n", name, nanos[runs / 2] / 1e6, nanos[runs * 99 / 100] / 1e6);
  }
}
