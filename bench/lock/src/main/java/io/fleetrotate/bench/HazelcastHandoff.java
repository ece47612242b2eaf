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

  /** The median overhead in ms as text, or {@code unavailable} with the reason on stderr. */
  static String measure(int port, int runs) {
    if (port <= 0) {
      LockBench.progress("hazelcast: no --hazelcast-port given; skipped");
      return "unavailable";
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
      return "unavailable";
    } catch (NoSuchMethodException e) {
      LockBench.progress(
          "hazelcast: unavailable: "
              + BACKEND
              + " has no constructor (HazelcastConfig, int, Duration, QueueOrder)");
      return "unavailable";
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
      LockBench.handoff(clients, "warm");
      double[] overhead = new double[runs];
      for (int r = 0; r < runs; r++) {
        overhead[r] = LockBench.handoff(clients, "bench-" + r);
        LockBench.progress(String.format("hazelcast run %d: handoff %.3f ms", r + 1, overhead[r]));
      }
      return String.format("%.3f", LockBench.median(overhead));
    } catch (Exception e) {
      LockBench.progress("hazelcast: unavailable: " + e);
      return "unavailable";
    } finally {
      clients.forEach(FleetLock::close);
      member.shutdown();
    }
  }
}
