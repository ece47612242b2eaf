package io.fleetrotate.lock.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.fleetrotate.lock.member.LeaseMaps;
import io.fleetrotate.lock.member.LeaseTable;
import io.fleetrotate.lock.member.RevokeAll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/**
 * Real Hazelcast members in the test JVM, joined over TCP on loopback (no multicast), with a
 * cluster name of their own; agents reach them as clients, as they would the coordinator's member.
 */
final class HazelcastTestCluster implements AutoCloseable {
  static {
    // The members log through slf4j like the agent; only their warnings are worth a test's output.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("com.hazelcast")).setLevel(Level.WARN);
  }

  private final String name;
  private boolean leaseMapConfig = true;
  private final List<String> addresses = new ArrayList<>();
  private final List<HazelcastInstance> members = new ArrayList<>();

  private HazelcastTestCluster(String name) {
    this.name = name;
  }

  /** Starts {@code size} members with the lease map configured as {@link LeaseMaps} advises. */
  static HazelcastTestCluster start(int size) {
    return start(size, true);
  }

  /**
   * @param leaseMapConfig whether to add {@link LeaseMaps#configure}; without it the members run
   *     Hazelcast's defaults, as a cluster that only has the jar on its classpath would
   */
  static HazelcastTestCluster start(int size, boolean leaseMapConfig) {
    HazelcastTestCluster c =
        new HazelcastTestCluster(
            "fleetrotate-test-" + UUID.randomUUID().toString().substring(0, 8));
    c.leaseMapConfig = leaseMapConfig;
    for (int i = 0; i < size; i++) {
      c.addresses.add("127.0.0.1:" + freePort());
    }
    try {
      c.startMembers();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Starts a member on each address and waits until they form one safe cluster. */
  private void startMembers() {
    for (String address : addresses) {
      members.add(Hazelcast.newHazelcastInstance(memberConfig(address, leaseMapConfig)));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                members.get(0).getCluster().getMembers().size() == addresses.size()
                    && members.get(0).getPartitionService().isClusterSafe());
  }

  /** Kills every member as a crash would: the cluster is gone, with all its data. */
  void terminateAll() {
    close();
    members.clear();
  }

  /**
   * Starts every member again on its address, empty (open source Hazelcast keeps nothing on disk),
   * after {@link #terminateAll()}; nothing if they run.
   */
  void restartAll() {
    if (members.isEmpty()) {
      startMembers();
    }
  }

  /**
   * Two members with one cluster name that start apart, as the halves of a split brain: the first
   * lists both addresses, the second only itself, so they form two clusters; after {@code
   * mergeAfter} the first looks for other clusters, finds the second, and they merge, as when a
   * network partition heals.
   */
  static HazelcastTestCluster startTwoHalves(Duration mergeAfter) {
    HazelcastTestCluster c =
        new HazelcastTestCluster(
            "fleetrotate-split-" + UUID.randomUUID().toString().substring(0, 8));
    c.addresses.add("127.0.0.1:" + freePort());
    c.addresses.add("127.0.0.1:" + freePort());
    try {
      for (int i = 0; i < 2; i++) {
        Config config = c.memberConfig(c.addresses.get(i), true);
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "" + mergeAfter.toSeconds());
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "1");
        if (i == 1) {
          config
              .getNetworkConfig()
              .getJoin()
              .getTcpIpConfig()
              .setMembers(List.of(c.addresses.get(1)));
        }
        c.members.add(Hazelcast.newHazelcastInstance(config));
      }
      assertThat(c.members.get(0).getCluster().getMembers()).hasSize(1);
      assertThat(c.members.get(1).getCluster().getMembers()).hasSize(1);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private Config memberConfig(String address, boolean leaseMapConfig) {
    Config config = new Config();
    config.setClusterName(name);
    config.setInstanceName(name + "-" + address.substring(address.indexOf(':') + 1));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.partition.count", "23");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.getNetworkConfig().setPort(port(address)).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(addresses);
    if (leaseMapConfig) {
      RevokeAll.allowOn(LeaseMaps.configure(config));
    }
    return config;
  }

  /** What an agent's {@code lock.hazelcast} would say to reach this cluster. */
  HazelcastConfig agentConfig() {
    return new HazelcastConfig(addresses, name);
  }

  /** An agent's configuration that names only member {@code i}. */
  HazelcastConfig agentConfig(int i) {
    return new HazelcastConfig(List.of(addresses.get(i)), name);
  }

  HazelcastInstance member(int i) {
    return members.get(i);
  }

  /** The lease map, through the first member still running. */
  IMap<String, LeaseTable> leases() {
    return members.stream()
        .filter(m -> m.getLifecycleService().isRunning())
        .findFirst()
        .orElseThrow()
        .getMap(LeaseMaps.LEASES);
  }

  /** Which member owns {@code group}'s partition. */
  int ownerOf(String group) {
    var owner = runningMember().getPartitionService().getPartition(group).getOwner();
    for (int i = 0; i < members.size(); i++) {
      HazelcastInstance m = members.get(i);
      if (m.getLifecycleService().isRunning() && m.getCluster().getLocalMember().equals(owner)) {
        return i;
      }
    }
    throw new IllegalStateException("no running member owns " + group);
  }

  /** Kills member {@code i} as a crash would: no graceful hand-over of its partitions. */
  void terminate(int i) {
    members.get(i).getLifecycleService().terminate();
    HazelcastInstance survivor = runningMember();
    long alive = members.stream().filter(m -> m.getLifecycleService().isRunning()).count();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(survivor.getCluster().getMembers()).hasSize((int) alive));
  }

  private HazelcastInstance runningMember() {
    return members.stream()
        .filter(m -> m.getLifecycleService().isRunning())
        .findFirst()
        .orElseThrow();
  }

  @Override
  public void close() {
    for (HazelcastInstance m : members) {
      m.getLifecycleService().terminate();
    }
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
