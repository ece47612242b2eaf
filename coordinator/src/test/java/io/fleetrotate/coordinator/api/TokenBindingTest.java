package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.proto.Result;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent tokens bound to node ids: a token speaks for its nodes only. */
class TokenBindingTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final String HOST_1 = "host-1-token-0123456789abcdef";
  static final String HOST_2 = "host-2-token-0123456789abcdef";
  static final String WEB = "web-fleet-token-0123456789abc";

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    CoordinatorConfig c = TestCoordinators.config(dir);
    CoordinatorConfig.Auth auth =
        new CoordinatorConfig.Auth(
            List.of(AGENT, HOST_1, HOST_2, WEB),
            c.auth().adminTokens(),
            true,
            Map.of(HOST_1, List.of("host-1"), HOST_2, List.of("host-2"), WEB, List.of("web-*")),
            List.of());
    coordinator =
        Coordinator.start(
            new CoordinatorConfig(
                c.source(),
                c.http(),
                auth,
                c.hazelcast(),
                c.store(),
                c.liveness(),
                c.alerts(),
                c.rateLimit(),
                CoordinatorConfig.Limits.DEFAULTS),
            clock);
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void heartbeatForAnotherNodesIdIsRefusedWith403AndOneSentence() {
    Http.Response r = heartbeat(HOST_1, "host-2");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().getString("error"))
        .isEqualTo(
            "this agent token is not bound to node host-2; send it with the token listed for that"
                + " node in auth.agentTokens");
    assertThat(coordinator.fleet().node("host-2")).isEmpty();
    assertThat(heartbeat(HOST_1, "host-1").status()).isEqualTo(200);
  }

  @Test
  void eventForAnotherNodesIdIsRefusedAndNothingOfTheBatchIsStored() {
    String batch =
        Wire.eventsJson(
            List.of(
                Wire.event("host-1", Result.SUCCESS, T0),
                Wire.event("host-2", Result.SUCCESS, T0)));
    Http.Response r = http.post("/api/v1/events", HOST_1, batch);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().getString("error")).contains("not bound to node host-2");
    assertThat(coordinator.history().size()).isZero();

    String own = Wire.eventsJson(List.of(Wire.event("host-1", Result.SUCCESS, T0)));
    assertThat(http.post("/api/v1/events", HOST_1, own).status()).isEqualTo(200);
    assertThat(coordinator.history().size()).isEqualTo(1);
  }

  @Test
  void commandsGoOnlyToTheNodeTheTokenIsBoundTo() {
    assertThat(heartbeat(HOST_2, "host-2").status()).isEqualTo(200);
    assertThat(http.post("/api/v1/nodes/host-2/rotate", ADMIN, "").status()).isEqualTo(202);

    // host-1's token asks for host-2's commands: refused, and the command stays queued.
    assertThat(heartbeat(HOST_1, "host-2").status()).isEqualTo(403);
    JsonArray commands = heartbeat(HOST_2, "host-2").json().getJsonArray("commands");
    assertThat(commands).hasSize(1);
    assertThat(commands.getJsonObject(0).getString("type")).isEqualTo("ROTATE_NOW");
  }

  @Test
  void globBindsEveryMatchingNodeAndNoOther() {
    assertThat(heartbeat(WEB, "web-1").status()).isEqualTo(200);
    assertThat(heartbeat(WEB, "web-eu-42").status()).isEqualTo(200);
    assertThat(heartbeat(WEB, "db-1").status()).isEqualTo(403);
    assertThat(heartbeat(WEB, "xweb-1").status()).isEqualTo(403);
  }

  @Test
  void plainTokenStillSpeaksForAnyNode() {
    assertThat(heartbeat(AGENT, "host-1").status()).isEqualTo(200);
    assertThat(heartbeat(AGENT, "anything-else").status()).isEqualTo(200);
  }

  @Test
  void configListsPlainAndBoundTokensTogether() throws Exception {
    CoordinatorConfig c =
        ConfigLoader.load(
            write(
                "auth:\n"
                    + "  agentTokens:\n"
                    + "    - agent-token-0123456789abcdef\n"
                    + "    - {token: host-1-token-0123456789abcdef, nodes: [host-1, \"web-*\"]}\n"
                    + "  adminTokens: [admin-token-0123456789abcdef]\n"),
            Map.of());
    assertThat(c.auth().agentTokens())
        .containsExactly("agent-token-0123456789abcdef", "host-1-token-0123456789abcdef");
    assertThat(c.auth().agentNodes())
        .containsExactly(Map.entry("host-1-token-0123456789abcdef", List.of("host-1", "web-*")));
    assertThat(c.auth().toString()).doesNotContain("0123456789");
  }

  @Test
  void boundTokenWithoutNodesOrWithAShortTokenIsAConfigError() throws Exception {
    Path file =
        write(
            "auth:\n"
                + "  agentTokens:\n"
                + "    - {token: host-1-token-0123456789abcdef}\n"
                + "    - {token: too-short, nodes: [host-2]}\n"
                + "  adminTokens: [admin-token-0123456789abcdef]\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors().stream().map(ConfigError::toString))
                    .satisfiesExactlyInAnyOrder(
                        s -> assertThat(s).contains("agentTokens[0].nodes: missing"),
                        s ->
                            assertThat(s)
                                .contains("agentTokens[1].token")
                                .contains("shorter than 16 characters")
                                .doesNotContain("too-short")));
  }

  private Http.Response heartbeat(String token, String node) {
    return http.post("/api/v1/heartbeats", token, Wire.heartbeatJson(node, T0, 0.5));
  }

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("coordinator.yaml"), yaml);
  }
}
