package io.fleetrotate.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.lock.member.AcquireOutcome;
import io.fleetrotate.lock.member.AcquireRequest;
import io.fleetrotate.lock.member.LeaseMaps;
import io.fleetrotate.lock.member.LeaseTable;
import io.fleetrotate.lock.member.TryAcquire;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain Hazelcast client that knows the default cluster name, against a real coordinator's
 * member. Before issue 12 it joined from any address and could read the events and nodes maps, put
 * a forged event, clear the lease map and run code of its own on the member. What it can no longer
 * do is pinned here; what Hazelcast's open-source edition cannot stop (a client that reaches the
 * bind address may still change maps) is written in README, Security.
 */
class RogueHazelcastClientTest {
  /** Set when a {@link Gadget} is deserialized: on the member, that is code the sender chose. */
  static final AtomicBoolean GADGET_RAN = new AtomicBoolean();

  @TempDir Path dir;
  final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : running) {
      c.close();
    }
    GADGET_RAN.set(false);
  }

  @Test
  void clientDialingLoopbackCannotJoinAMemberBoundToAnotherAddress() throws Exception {
    int port = freePort("127.0.0.2");
    start(memberOn("127.0.0.2", port));

    assertThatThrownBy(() -> rogue("127.0.0.1:" + port))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unable to connect");
    // The address it is bound to still serves the lock: the refusal above is the bind's doing.
    HazelcastInstance agent = rogue("127.0.0.2:" + port);
    assertThat(agent.getCluster().getMembers()).hasSize(1);
  }

  @Test
  void processorOfTheClientsOwnClassIsRefusedBeforeItIsDeserialized() throws Exception {
    int port = freePort("127.0.0.1");
    start(memberOn("127.0.0.1", port));
    HazelcastInstance client = rogue("127.0.0.1:" + port);
    IMap<String, LeaseTable> leases = client.getMap(LeaseMaps.LEASES);
    AcquireOutcome granted = leases.executeOnKey("mcp-server", new TryAcquire(request()));
    assertThat(granted.isGranted()).isTrue();

    assertThatThrownBy(() -> raw(leases).executeOnKey("mcp-server", new Gadget()))
        .hasMessageContaining("is not allowed");

    assertThat(GADGET_RAN).isFalse();
    assertThat(leases.get("mcp-server").holders()).hasSize(1);
  }

  @Test
  void forgedValueOfAnotherClassIsNeverDeserializedOnTheMember() throws Exception {
    int port = freePort("127.0.0.1");
    start(memberOn("127.0.0.1", port));
    HazelcastInstance client = rogue("127.0.0.1:" + port);
    IMap<String, LeaseTable> leases = client.getMap(LeaseMaps.LEASES);
    raw(leases).put("mcp-server", new Gadget());

    // The next agent to ask for the group makes the member read the value.
    assertThatThrownBy(() -> leases.executeOnKey("mcp-server", new TryAcquire(request())))
        .hasMessageContaining("is not allowed");
    assertThat(GADGET_RAN).isFalse();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static IMap<Object, Object> raw(IMap<?, ?> map) {
    return (IMap) map;
  }

  private static AcquireRequest request() {
    return new AcquireRequest(UUID.randomUUID().toString(), 0.5, 0, 1, 60_000, 10_000, 0);
  }

  /** What an attacker sends: a class whose deserialization runs code, then clears the table. */
  static final class Gadget implements EntryProcessor<Object, Object, Object>, Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      GADGET_RAN.set(true);
    }

    @Override
    public Object process(Map.Entry<Object, Object> entry) {
      entry.setValue(null);
      return null;
    }
  }

  private CoordinatorConfig memberOn(String bind, int port) {
    CoordinatorConfig c = TestCoordinators.config(dir);
    return new CoordinatorConfig(
        c.source(),
        c.http(),
        c.auth(),
        // The product's default cluster name: what an attacker tries first.
        new CoordinatorConfig.Hazelcast(true, port, List.of(), "fleetrotate", bind),
        c.store(),
        c.liveness(),
        c.alerts(),
        c.rateLimit(),
        c.limits());
  }

  private void start(CoordinatorConfig config) throws Exception {
    running.add(Coordinator.start(config, Clock.systemUTC()));
  }

  /** A client with Hazelcast's defaults but the address and a short connect timeout. */
  private HazelcastInstance rogue(String address) {
    ClientConfig c = new ClientConfig();
    c.setClusterName("fleetrotate");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.getNetworkConfig().addAddress(address);
    c.getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(3_000);
    HazelcastInstance client = HazelcastClient.newHazelcastClient(c);
    running.add(0, client::shutdown);
    return client;
  }

  static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }
}
