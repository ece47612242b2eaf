package io.fleetrotate.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hazelcast.bind}: where the embedded member listens and what it announces. */
class HazelcastBindTest {
  static final Map<String, String> ENV = Map.of();
  static final String AUTH =
      "auth: {agentTokens: [\"agent-token-0123456789abcdef\"],"
          + " adminTokens: [\"admin-token-0123456789abcdef\"]}\n";

  @TempDir Path dir;
  Coordinator coordinator;

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void memberListensOnItsBindAddressOnlyAndAnnouncesIt() throws Exception {
    int port = RogueHazelcastClientTest.freePort("127.0.0.2");
    CoordinatorConfig c = TestCoordinators.config(dir);
    coordinator =
        Coordinator.start(
            new CoordinatorConfig(
                c.source(),
                c.http(),
                c.auth(),
                new CoordinatorConfig.Hazelcast(true, port, List.of(), "fleetrotate", "127.0.0.2"),
                c.store(),
                c.liveness(),
                c.alerts(),
                c.rateLimit(),
                CoordinatorConfig.Limits.DEFAULTS),
            Clock.systemUTC());

    assertThat(connects("127.0.0.2", port)).isTrue();
    assertThat(connects("127.0.0.1", port)).isFalse();
    var address =
        coordinator.cluster().orElseThrow().hazelcast().getCluster().getLocalMember().getAddress();
    assertThat(address.getHost()).isEqualTo("127.0.0.2");
    assertThat(address.getPort()).isEqualTo(port);
  }

  @Test
  void memberBindsLoopbackWhenNothingIsSaid() throws Exception {
    CoordinatorConfig c = ConfigLoader.load(write(AUTH + "hazelcast: {port: 5701}\n"), ENV);
    assertThat(c.hazelcast().bind()).isEqualTo("127.0.0.1");
  }

  @Test
  void everyInterfaceIsAnExplicitChoice() throws Exception {
    CoordinatorConfig c = ConfigLoader.load(write(AUTH + "hazelcast: {bind: 0.0.0.0}\n"), ENV);
    assertThat(c.hazelcast().bindsEveryInterface()).isTrue();
  }

  @Test
  void bindThatIsNotAnAddressOfThisHostIsAConfigError() throws Exception {
    // 192.0.2.0/24 is TEST-NET-1: never a local address.
    assertThat(errors(AUTH + "hazelcast: {bind: 192.0.2.10}\n"))
        .singleElement()
        .asString()
        .contains("hazelcast.bind")
        .contains("\"192.0.2.10\" is not an address of this host");
  }

  @Test
  void bindThatIsAHostNameIsAConfigError() throws Exception {
    assertThat(errors(AUTH + "hazelcast: {bind: coordinator}\n"))
        .singleElement()
        .asString()
        .contains("hazelcast.bind")
        .contains("is not an IPv4 address");
  }

  @Test
  void peersWithoutABindAddressAreAConfigError() throws Exception {
    // Peers cannot reach a member on loopback: without this error each would form its own cluster,
    // with a lease table of its own, and two replicas could rotate at once.
    assertThat(errors(AUTH + "hazelcast: {members: [\"10.0.0.6:5701\"]}\n"))
        .singleElement()
        .asString()
        .contains("hazelcast.bind: missing; members lists peers");
    assertThat(
            ConfigLoader.load(
                    write(AUTH + "hazelcast: {members: [\"127.0.0.1:5702\"], bind: 127.0.0.1}\n"),
                    ENV)
                .hazelcast()
                .members())
        .containsExactly("127.0.0.1:5702");
  }

  private static boolean connects(String host, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2_000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("coordinator.yaml"), yaml);
  }

  private List<String> errors(String yaml) throws Exception {
    Path file = write(yaml);
    assertThatThrownBy(() -> ConfigLoader.load(file, ENV)).isInstanceOf(ConfigException.class);
    try {
      ConfigLoader.load(file, ENV);
      return List.of();
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }
}
