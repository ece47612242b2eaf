package io.fleetrotate.coordinator.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.lock.member.LeaseMaps;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The coordinator's embedded Hazelcast member. It is what agents join as clients for their lock
 * backend (the lease EntryProcessors live in shared-proto), and what coordinators share fleet state
 * through. TCP-IP join with the configured members, multicast off.
 *
 * <p>Hazelcast's open-source edition authenticates no client and checks no permission: whoever
 * reaches the member port with the cluster name may read and change every map. So the member
 * listens on {@code hazelcast.bind} only (loopback by default), accepts Java-serialized objects of
 * the lease classes only ({@link LeaseMaps#serializationFilter()}), and runs nothing but maps: no
 * Jet, no SQL, no REST or Memcache endpoint, no user code deployment, no Management Center
 * scripting, console or data access. Besides the lease maps it holds the fleet-state maps, one
 * topic (new events, announced when the members share one database), and one executor that runs
 * only the two read-only tasks of {@link HistoryCatchUp} (its own serialization factory, not Java
 * serialization): whoever reaches the member port could read the history through them, as it could
 * read the maps.
 */
public final class ClusterMember implements AutoCloseable {
  static final String EVENTS_MAP = "fleetrotate-coordinator-events";
  static final String NODES_MAP = "fleetrotate-coordinator-nodes";
  static final String COMMANDS_MAP = "fleetrotate-coordinator-commands";
  static final String ALERTS_MAP = "fleetrotate-coordinator-alerts";
  static final String EVENTS_TOPIC = "fleetrotate-coordinator-new-events";

  private final HazelcastInstance hazelcast;

  private ClusterMember(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** Starts a member and joins the configured peers (blocks until joined or alone). */
  public static ClusterMember start(CoordinatorConfig.Hazelcast settings, Duration retention) {
    // Hazelcast's static loggers (the first start-up lines) read only this system property; the
    // config's property reaches the instance's logging service alone. Without it a line goes
    // through java.util.logging, not JSON (ClusterMemberLoggingTest).
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    Config config = new Config();
    config.setClusterName(settings.clusterName());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The coordinator shuts its member down itself, after saving state.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.getNetworkConfig().setPort(settings.port()).setPortAutoIncrement(false);
    bind(config, settings);
    splitBrain(config, settings.splitBrain());
    turnOffWhatTheLockDoesNotUse(config);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    int ttl = (int) Math.min(Integer.MAX_VALUE, retention.toSeconds());
    config.addMapConfig(relayConfig(settings.relay()));
    config.addMapConfig(new MapConfig(NODES_MAP).setBackupCount(1).setTimeToLiveSeconds(ttl));
    config.addMapConfig(new MapConfig(COMMANDS_MAP).setBackupCount(1).setTimeToLiveSeconds(ttl));
    config.addMapConfig(new MapConfig(ALERTS_MAP).setBackupCount(1));
    // The agents' leases live on this member too: keep their fencing counters through a merge.
    LeaseMaps.configure(config);
    HistoryCatchUp.configure(config);
    return new ClusterMember(Hazelcast.newHazelcastInstance(config));
  }

  /**
   * The events map is a relay of new events, not a copy of the history: an entry lives {@code
   * relay.ttl()}, and each member owns at most {@code relay.maxEventsPerMember()} entries (plus as
   * many backups), the least recently used evicted first, so a burst of events cannot fill the
   * heap. Hazelcast enforces the bound per partition ({@code max x members / 271} entries each), so
   * a member may evict a little before it owns the whole bound. A member that needs older events
   * pulls them from a peer's store ({@link HistoryCatchUp}).
   */
  static MapConfig relayConfig(CoordinatorConfig.Relay relay) {
    return new MapConfig(EVENTS_MAP)
        .setBackupCount(1)
        .setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, relay.ttl().toSeconds()))
        .setEvictionConfig(
            new EvictionConfig()
                .setEvictionPolicy(EvictionPolicy.LRU)
                .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                .setSize(relay.maxEventsPerMember()));
  }

  /**
   * Listens on {@code settings.bind()} only and announces it to clients and peers. The address goes
   * in {@code hazelcast.local.localAddress}, a property of this configuration (not of the JVM): it
   * is used as given, where interface matching would find only addresses an interface lists (not
   * 127.0.0.2, say).
   */
  private static void bind(Config config, CoordinatorConfig.Hazelcast settings) {
    if (settings.bindsEveryInterface()) {
      return; // Hazelcast's default: every interface, announcing one address it picks
    }
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", settings.bind());
    config.getNetworkConfig().setPublicAddress(settings.bind() + ":" + settings.port());
  }

  /**
   * How soon a silent member is dropped and how often split clusters look for each other. A member
   * sends a heartbeat every 5 s (Hazelcast's default), or a fifth of a shorter timeout, so that one
   * late heartbeat does not drop it.
   */
  private static void splitBrain(Config config, CoordinatorConfig.SplitBrain splitBrain) {
    long timeout = Math.max(1, splitBrain.memberTimeout().toSeconds());
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(timeout));
    config.setProperty(
        "hazelcast.heartbeat.interval.seconds",
        Long.toString(Math.max(1, Math.min(5, timeout / 5))));
    config.setProperty(
        "hazelcast.merge.first.run.delay.seconds",
        Long.toString(Math.max(1, splitBrain.mergeFirstRun().toSeconds())));
    config.setProperty(
        "hazelcast.merge.next.run.delay.seconds",
        Long.toString(Math.max(1, splitBrain.mergeInterval().toSeconds())));
  }

  /** Leases, the fleet-state maps and the history catch-up's tasks are all the member serves. */
  private static void turnOffWhatTheLockDoesNotUse(Config config) {
    config.getJetConfig().setEnabled(false).setResourceUploadEnabled(false);
    config.getNetworkConfig().getRestApiConfig().setEnabled(false);
    config.getNetworkConfig().getMemcacheProtocolConfig().setEnabled(false);
    config.getUserCodeDeploymentConfig().setEnabled(false);
    config
        .getManagementCenterConfig()
        .setScriptingEnabled(false)
        .setConsoleEnabled(false)
        .setDataAccessEnabled(false);
    config.getCPSubsystemConfig().setCPMemberCount(0);
    config.setProperty("hazelcast.jmx", "false");
    config.setProperty("hazelcast.http.healthcheck.enabled", "false");
  }

  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /** How many members the cluster has, this one included. */
  public int members() {
    return hazelcast.getCluster().getMembers().size();
  }

  /** True on the oldest member: the one that evaluates alerts and sends their notices. */
  public boolean isLeader() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return false;
    }
    Iterator<Member> it = hazelcast.getCluster().getMembers().iterator();
    return it.hasNext() && it.next().localMember();
  }

  /**
   * The stage of an asynchronous cluster operation; failed, not thrown, when the operation refuses
   * at once (this member shut down or left the cluster), so callers handle one kind of failure.
   */
  static <T> CompletableFuture<T> started(Supplier<CompletionStage<T>> operation) {
    try {
      return operation.get().toCompletableFuture();
    } catch (RuntimeException notRunning) {
      return CompletableFuture.failedFuture(notRunning);
    }
  }

  /** Leaves the cluster gracefully, handing this member's partitions to the others. */
  @Override
  public void close() {
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.shutdown();
    }
  }

  /** Stops at once, as a crash would: for tests of losing a member. */
  public void terminate() {
    hazelcast.getLifecycleService().terminate();
  }
}
