package io.fleetrotate.lock.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The processors on two real members: loaded by the member, backed up, kept across a crash. */
class LeaseMapsOnAClusterTest {
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  static {
    HAZELCAST_LOG.setLevel(Level.WARNING);
  }

  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void stop() {
    members.forEach(m -> m.getLifecycleService().terminate());
  }

  @Test
  void aGrantAndItsCounterSurviveTheCrashOfThePartitionOwner() throws Exception {
    startTwoMembers();
    HazelcastInstance first = members.get(0);
    MapConfig applied = first.getConfig().getMapConfig(LeaseMaps.LEASES);
    assertThat(applied.getBackupCount()).isEqualTo(1);
    assertThat(applied.getMergePolicyConfig().getPolicy())
        .isEqualTo(LeaseMergePolicy.class.getName());

    String group = groupOwnedBy(members.get(1));
    IMap<String, LeaseTable> leases = first.getMap(LeaseMaps.LEASES);
    AcquireOutcome granted = leases.executeOnKey(group, new TryAcquire(request("holder")));
    assertThat(granted.token()).isEqualTo(1);
    LeaseTable before = leases.get(group);

    members.get(1).getLifecycleService().terminate();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(first.getCluster().getMembers()).hasSize(1));

    assertThat(leases.get(group)).as("the backup became the primary").isEqualTo(before);
    assertThat(leases.executeOnKey(group, new TryAcquire(request("next"))).isGranted())
        .as("the holder's grant still counts")
        .isFalse();
    assertThat(leases.executeOnKey(group, new Release("holder"))).isTrue();
    assertThat(leases.executeOnKey(group, new TryAcquire(request("next"))).token()).isEqualTo(2);
  }

  @Test
  void aChangeReachesOnlyTheListenersItConcerns() throws Exception {
    startTwoMembers();
    String group = groupOwnedBy(members.get(1));
    String other = group + "-other";
    // One listener per client for the whole map, as a lock client registers it; registered on the
    // other member: the filter travels to each partition owner and runs there.
    IMap<String, LeaseTable> leases = members.get(0).getMap(LeaseMaps.LEASES);
    List<String> toA = new CopyOnWriteArrayList<>();
    List<String> toB = new CopyOnWriteArrayList<>();
    leases.addEntryListener(holdersInto(toA), new ConcernsClient("a/", 1), true);
    leases.addEntryListener(holdersInto(toB), new ConcernsClient("b/", 1), true);

    leases.executeOnKey(group, new TryAcquire(request("a/1")));
    leases.executeOnKey(group, new TryAcquire(request("b/1")));
    assertThat(leases.executeOnKey(group, new Release("a/1", 1))).as("hands on to b/1").isTrue();
    // Another group: a stranger's grant, b's arrival behind it, then a release that hands nothing
    // on (as from a client without hand-off): a free place while b/2 waits.
    leases.executeOnKey(other, new TryAcquire(request("c/1")));
    leases.executeOnKey(other, new TryAcquire(request("b/2")));
    assertThat(leases.executeOnKey(other, new Release("c/1"))).isTrue();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(toB).containsExactlyInAnyOrder("[b/1]", "[]"));
    assertThat(toA)
        .as(
            "a's grant and b's arrival behind it (a holds), nothing of b's grant nor of the other group")
        .containsExactly("[a/1]", "[a/1]");
  }

  private static EntryAddedListener<String, LeaseTable> holdersInto(List<String> seen) {
    return new Holders(seen);
  }

  private record Holders(List<String> seen)
      implements EntryAddedListener<String, LeaseTable>, EntryUpdatedListener<String, LeaseTable> {
    @Override
    public void entryAdded(EntryEvent<String, LeaseTable> event) {
      seen.add(event.getValue().holders().keySet().toString());
    }

    @Override
    public void entryUpdated(EntryEvent<String, LeaseTable> event) {
      seen.add(event.getValue().holders().keySet().toString());
    }
  }

  private static AcquireRequest request(String owner) {
    return new AcquireRequest(owner, 0.5, 600_000, 1, 60_000, 60_000, 0);
  }

  private String groupOwnedBy(HazelcastInstance member) {
    for (int i = 0; ; i++) {
      String group = "g" + i;
      if (member
          .getCluster()
          .getLocalMember()
          .equals(member.getPartitionService().getPartition(group).getOwner())) {
        return group;
      }
    }
  }

  private void startTwoMembers() throws Exception {
    String name = "lease-maps-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> addresses = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
    for (String address : addresses) {
      Config c = new Config();
      c.setClusterName(name);
      c.setProperty("hazelcast.phone.home.enabled", "false");
      c.setProperty("hazelcast.logging.type", "jdk");
      c.setProperty("hazelcast.partition.count", "23");
      c.setProperty("hazelcast.wait.seconds.before.join", "0");
      c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
      c.getNetworkConfig()
          .setPort(Integer.parseInt(address.substring(address.indexOf(':') + 1)))
          .setPortAutoIncrement(false);
      c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
      c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
      c.getNetworkConfig()
          .getJoin()
          .getTcpIpConfig()
          .setEnabled(true)
          .setConnectionTimeoutSeconds(1)
          .setMembers(addresses);
      members.add(Hazelcast.newHazelcastInstance(LeaseMaps.configure(c)));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(members.get(0).getCluster().getMembers()).hasSize(2));
    // Let the partition table settle, so "owned by member 1" stays true.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(members.get(0).getPartitionService()::isClusterSafe);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
