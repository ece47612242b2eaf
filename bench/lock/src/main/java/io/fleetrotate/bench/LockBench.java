package io.fleetrotate.bench;

import io.fleetrotate.lock.redis.RedisConfig;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.lock.redis.RedisFleetLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Fleet lock figures, fleetrotate's backends side by side with Redisson's {@code RLock} on the same
 * redis-server (see bench/lock-bench.sh). Prints the result lines on stdout, progress on stderr.
 */
public final class LockBench {
  static final int AGENTS = 20;
  static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  static final Duration LEASE = Duration.ofSeconds(30); // Redisson's watchdog default
  static final long UNCONTENDED_NANOS = TimeUnit.MILLISECONDS.toNanos(2000);
  /**
   * Uncontended cycles before anything is timed, for every client alike. The Hazelcast path (its
   * client and the member in this JVM) takes ~15 s of cycles to be compiled: with one warm-up
   * hand-off its first hand-offs cost 2-3 ms, warm 0.6-0.8 ms.
   */
  static final long WARMUP_NANOS = TimeUnit.MILLISECONDS.toNanos(6000);
  static final int SLICES = 8;

  private LockBench() {}

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 6379;
    int runs = 5;
    int hazelcastPort = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--hazelcast-port" -> hazelcastPort = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String uri = "redis://" + host + ":" + port;
    RedisConfig redis = new RedisConfig(uri);

    double[] oursUncontended = new double[runs];
    double[] redissonUncontended = new double[runs];
    double[] oursHandoff = new double[runs];
    double[] redissonHandoff = new double[runs];

    List<FleetLock> ours = new ArrayList<>();
    List<RedissonClient> theirs = new ArrayList<>();
    try {
      for (int i = 0; i < AGENTS; i++) {
        ours.add(new RedisFleetLock(redis, 1, LEASE, QueueOrder.defaults()));
        theirs.add(redisson(uri));
      }
      progress("warming up");
      uncontended(ours.get(0), "warm", WARMUP_NANOS);
      uncontended(theirs.get(0), "warm", WARMUP_NANOS);
      handoff(ours, "warm");
      handoffRedisson(theirs, "warm");
      for (int r = 0; r < runs; r++) {
        String group = "bench-" + r;
        // Interleaved slices, so that noise from other processes hits both sides alike.
        double[] oursSlices = new double[SLICES];
        double[] theirSlices = new double[SLICES];
        for (int s = 0; s < SLICES; s++) {
          oursSlices[s] = uncontended(ours.get(0), group, UNCONTENDED_NANOS / SLICES);
          theirSlices[s] = uncontended(theirs.get(0), group, UNCONTENDED_NANOS / SLICES);
        }
        oursUncontended[r] = mean(oursSlices);
        redissonUncontended[r] = mean(theirSlices);
        oursHandoff[r] = handoff(ours, group);
        redissonHandoff[r] = handoffRedisson(theirs, group);
        progress(
            String.format(
                "run %d: uncontended %.0f vs %.0f cycles/s, handoff %.3f vs %.3f ms",
                r + 1,
                oursUncontended[r],
                redissonUncontended[r],
                oursHandoff[r],
                redissonHandoff[r]));
      }
    } finally {
      ours.forEach(FleetLock::close);
      theirs.forEach(RedissonClient::shutdown);
    }

    HazelcastHandoff.Figures hazelcast = HazelcastHandoff.measure(hazelcastPort, runs);

    double ou = median(oursUncontended);
    double ru = median(redissonUncontended);
    double oh = median(oursHandoff);
    double rh = median(redissonHandoff);
    System.out.printf(
        "uncontended_cycles_per_s backend=redis fleetrotate=%.0f redisson=%.0f%n", ou, ru);
    System.out.printf(
        "handoff_overhead_ms backend=redis agents=%d hold_ms=%d fleetrotate=%.3f redisson=%.3f%n",
        AGENTS, TimeUnit.NANOSECONDS.toMillis(HOLD_NANOS), oh, rh);
    if (hazelcast == null) {
      System.out.printf(
          "handoff_overhead_ms backend=hazelcast agents=%d hold_ms=%d fleetrotate=unavailable%n",
          AGENTS, TimeUnit.NANOSECONDS.toMillis(HOLD_NANOS));
    } else {
      System.out.printf(
          "uncontended_cycles_per_s backend=hazelcast fleetrotate=%.0f%n",
          hazelcast.uncontendedCyclesPerSecond());
      System.out.printf(
          "handoff_overhead_ms backend=hazelcast agents=%d hold_ms=%d fleetrotate=%.3f%n",
          AGENTS, TimeUnit.NANOSECONDS.toMillis(HOLD_NANOS), hazelcast.handoffMs());
    }
    System.out.printf(
        "ratio uncontended fleetrotate/redisson=%.2f (goal >= 1.3)%n", ou / ru);
    System.out.printf(
        "ratio handoff_overhead fleetrotate/redisson=%.2f (goal <= 0.5, and fleetrotate <= 0.5 ms)%n",
        oh / rh);
    if (hazelcast != null) {
      System.out.printf(
          "ratio handoff_overhead hazelcast/redis=%.2f (goal <= 2)%n", hazelcast.handoffMs() / oh);
    }
    System.out.println(
        "note fleetrotate's Lease.close() sends the release without waiting for its answer (the"
            + " next acquire queues behind it on the same connection); Redisson's unlock() waits");
    System.out.printf(
        "runs=%d uncontended fleetrotate=%s redisson=%s%n",
        runs, fmt(oursUncontended, "%.0f"), fmt(redissonUncontended, "%.0f"));
    System.out.printf(
        "runs=%d handoff_ms fleetrotate=%s redisson=%s%n",
        runs, fmt(oursHandoff, "%.3f"), fmt(redissonHandoff, "%.3f"));
  }

  /**
   * Redisson sized like one agent's client (our Lettuce client has one I/O thread and at most two
   * connections), so neither side is slowed by the other's idle threads on a small machine.
   */
  static RedissonClient redisson(String uri) {
    Config config = new Config();
    config.setThreads(2);
    config.setNettyThreads(2);
    config
        .useSingleServer()
        .setAddress(uri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(2)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(1);
    return Redisson.create(config);
  }

  /** Acquire + release cycles per second from one client, for {@code nanos}. */
  static double uncontended(FleetLock lock, String group, long nanos) throws Exception {
    long start = System.nanoTime();
    long end = start + nanos;
    long cycles = 0;
    long now;
    do {
      try (Lease lease = lock.acquire(group, 0.5, Duration.ofSeconds(10))) {
        cycles++;
      }
      now = System.nanoTime();
    } while (now < end);
    return cycles * 1e9 / (now - start);
  }

  static double uncontended(RedissonClient client, String group, long nanos) {
    RLock lock = client.getLock("redisson:{" + group + "}:lock");
    long start = System.nanoTime();
    long end = start + nanos;
    long cycles = 0;
    long now;
    do {
      lock.lock();
      lock.unlock();
      cycles++;
      now = System.nanoTime();
    } while (now < end);
    return cycles * 1e9 / (now - start);
  }

  /** A client's turn: take the lease, hold it, give it back. */
  interface Turn {
    void take(int agent, Runnable hold) throws Exception;
  }

  static double handoff(List<FleetLock> clients, String group) throws Exception {
    return handoff(
        (agent, hold) -> {
          try (Lease lease =
              clients.get(agent).acquire(group, agent / (double) AGENTS, Duration.ofSeconds(60))) {
            hold.run();
          }
        },
        clients.size());
  }

  static double handoffRedisson(List<RedissonClient> clients, String group) throws Exception {
    String name = "redisson:{" + group + "}:handoff";
    return handoff(
        (agent, hold) -> {
          RLock lock = clients.get(agent).getLock(name);
          lock.lock();
          try {
            hold.run();
          } finally {
            lock.unlock();
          }
        },
        clients.size());
  }

  /**
   * All agents become due at one instant (a barrier); each holds {@link #HOLD_NANOS}. Returns the
   * overhead per hand-off in ms: (makespan - agents x hold) / agents.
   */
  static double handoff(Turn turn, int agents) throws Exception {
    AtomicLong released = new AtomicLong();
    CyclicBarrier due = new CyclicBarrier(agents, () -> released.set(System.nanoTime()));
    AtomicLong lastEnd = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(agents);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int a = 0; a < agents; a++) {
        int agent = a;
        all.add(
            pool.submit(
                () -> {
                  due.await(30, TimeUnit.SECONDS);
                  turn.take(agent, LockBench::hold);
                  lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    double makespanMs = (lastEnd.get() - released.get()) / 1e6;
    return (makespanMs - agents * HOLD_NANOS / 1e6) / agents;
  }

  /** Holds for exactly {@link #HOLD_NANOS}: sleeps most of it, spins the last bit. */
  static void hold() {
    long end = System.nanoTime() + HOLD_NANOS;
    long left;
    while ((left = end - System.nanoTime()) > 300_000) {
      LockSupport.parkNanos(left - 250_000);
    }
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  static String fmt(double[] values, String format) {
    StringBuilder b = new StringBuilder();
    for (double v : values) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(String.format(format, v));
    }
    return b.toString();
  }

  static void progress(String line) {
    System.err.println("lock-bench: " + line);
  }
}
