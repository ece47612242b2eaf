package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.config.ConfigException;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limits.maxNodes}: new nodes beyond the cap are refused, known ones keep working. */
class NodeCapTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final String AUTH =
      "auth: {agentTokens: [\"agent-token-0123456789abcdef\"],"
          + " adminTokens: [\"admin-token-0123456789abcdef\"]}\n";

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void newNodeBeyondTheCapIsRefusedWith429AndKnownNodesKeepWorking() throws Exception {
    CoordinatorConfig c = TestCoordinators.config(dir);
    coordinator =
        Coordinator.start(
            new CoordinatorConfig(
                c.source(),
                c.http(),
                c.auth(),
                c.hazelcast(),
                c.store(),
                c.liveness(),
                c.alerts(),
                c.rateLimit(),
                new CoordinatorConfig.Limits(3)),
            clock);
    Http http = new Http(coordinator.port());
    for (String node : new String[] {"n1", "n2", "n3"}) {
      assertThat(heartbeat(http, node).status()).isEqualTo(200);
    }

    Http.Response refused = heartbeat(http, "n4");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("retry-after")).isEqualTo("300");
    assertThat(refused.json().getString("error"))
        .isEqualTo(
            "the coordinator tracks its limit of 3 nodes (limits.maxNodes), so it refuses new node"
                + " n4; raise the limit or retry after the Retry-After seconds");
    assertThat(coordinator.fleet().node("n4")).isEmpty();

    clock.advance(Duration.ofSeconds(15));
    assertThat(heartbeat(http, "n1").status()).isEqualTo(200);
    assertThat(coordinator.fleet().nodes()).hasSize(3);
    assertThat(http.get("/metrics", null).body())
        .contains("fleetrotate_heartbeats_over_node_cap_total 1.0");
  }

  @Test
  void capDefaultsToTenThousandAndMustBePositive() throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    Files.writeString(file, AUTH);
    assertThat(ConfigLoader.load(file, Map.of()).limits().maxNodes()).isEqualTo(10_000);

    Files.writeString(file, AUTH + "limits: {maxNodes: 0}\n");
    try {
      ConfigLoader.load(file, Map.of());
      throw new AssertionError("expected limits.maxNodes: 0 to be refused");
    } catch (ConfigException e) {
      assertThat(e.errors()).singleElement().asString().contains("limits.maxNodes");
    }
  }

  private static Http.Response heartbeat(Http http, String node) {
    return http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson(node, T0, 0.5));
  }
}
