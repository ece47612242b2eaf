package io.fleetrotate.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.fleetrotate.lock.hazelcast.HazelcastConfig;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.QueueOrder;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-off figure of the Hazelcast backend, against an embedded member started here. The
 * backend is looked up by name, so the bench builds and runs (printing {@code unavailable}) with an
 * agent that does not have it yet.
 */
final class HazelcastHandoff {
  static final String BACKEND = "io.fleetrotate.lock.hazelcast.HazelcastFleetLock";
  static final String CLUSTER = "fleetrotate-lock-bench";

  private HazelcastHandoff() {}

  /** The lease map's configuration, as the coordinator's member would have it, if there is one. */
  static void configureLeaseMap(Config config) {
    try {
      Class.forName("io.fleetrotate.lock.member.LeaseMaps")
          .getMethod("configure", Config.class)
          .invoke(null, config);
    } catch (ReflectiveOperationException | LinkageError e) {
      LockBench.progress("hazelcast: member with default map settings (" + e + ")");
    }
  }

  /** Medians over the runs: hand-off overhead in ms, uncontended acquire + release cycles/s. */
  record Figures(double handoffMs, double uncontendedCyclesPerSecond) {}

  /** The figures, or null when the backend cannot be measured (the reason on stderr). */
  static Figures measure(int port, int runs) {
    if (port <= 0) {
      LockBench.progress("hazelcast: no --hazelcast-port given; skipped");
      return null;
    }
    Constructor<?> make;
    try {
      make =
          Class.forName(BACKEND)
              .getConstructor(HazelcastConfig.class, int.class, Duration.class, QueueOrder.class);
    } catch (ClassNotFoundException e) {
      LockBench.progress(
          "hazelcast: unavailable: the installed node-agent has no "
              + BACKEND
              + " (the Hazelcast backend is not merged yet)");
      return null;
    } catch (NoSuchMethodException e) {
      LockBench.progress(
          "hazelcast: unavailable: "
              + BACKEND
              + " has no constructor (HazelcastConfig, int, Duration, QueueOrder)");
      return null;
    }
    Config config = new Config();
    config.setClusterName(CLUSTER);
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    configureLeaseMap(config);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    List<FleetLock> clients = new ArrayList<>();
    try {
      HazelcastConfig hz = new HazelcastConfig(List.of("127.0.0.1:" + port), CLUSTER);
      for (int i = 0; i < LockBench.AGENTS; i++) {
        clients.add((FleetLock) make.newInstance(hz, 1, LockBench.LEASE, QueueOrder.defaults()));
      }
      // The same warm-up and per-run shape as the Redis side (LockBench.main): uncontended cycles
      // first, so that the client's and the member's code is compiled before a hand-off is timed.
      LockBench.uncontended(clients.get(0), "warm", LockBench.WARMUP_NANOS);
      LockBench.handoff(clients, "warm");
      double[] overhead = new double[runs];
      double[] cycles = new double[runs];
      for (int r = 0; r < runs; r++) {
        String group = "bench-" + r;
        cycles[r] = LockBench.uncontended(clients.get(0), group, LockBench.UNCONTENDED_NANOS);
        overhead[r] = LockBench.handoff(clients, group);
        LockBench.progress(
            String.format(
                "hazelcast run %d: uncontended %.0f cycles/s, handoff %.3f ms",
                r + 1, cycles[r], overhead[r]));
      }
      return new Figures(LockBench.median(overhead), LockBench.median(cycles));
    } catch (Exception e) {
      LockBench.progress("hazelcast: unavailable: " + e);
      return null;
    } finally {
      clients.forEach(FleetLock::close);
      member.shutdown();
    }
  }
}
