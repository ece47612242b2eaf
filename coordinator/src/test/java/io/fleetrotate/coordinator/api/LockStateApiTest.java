package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock service's health per node, per group and as an alert, over real HTTP. */
class LockStateApiTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.start(TestCoordinators.config(dir), clock);
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void groupsAndNodesShowWhatTheirAgentsSayOfTheLockService() {
    Instant since = T0.minusSeconds(30);
    List<String> nodes = List.of("web-1", "web-2", "web-3", "batch-1", "old-1", "gone-1");
    nodes.forEach(n -> heartbeat(n, n.substring(0, n.indexOf('-')), lockOf(n, since)));
    // gone-1 falls silent until it is down: its last lock state no longer speaks for its group.
    clock.advance(Duration.ofMinutes(3));
    nodes.stream()
        .filter(n -> !n.equals("gone-1"))
        .forEach(n -> heartbeat(n, n.substring(0, n.indexOf('-')), lockOf(n, since)));

    JsonObject groups = http.get("/api/v1/groups", ADMIN).json();
    assertThat(groups.getInteger("count")).isEqualTo(4);
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    for (Object g : groups.getJsonArray("groups")) {
      byName.put(((JsonObject) g).getString("group"), (JsonObject) g);
    }
    assertThat(byName.keySet()).containsExactly("batch", "gone", "old", "web");

    JsonObject web = byName.get("web").getJsonObject("lock");
    assertThat(web.getString("health")).isEqualTo("partial");
    assertThat(web.getJsonArray("backends")).containsExactly("redis");
    assertThat(web.getInteger("nodesReporting")).isEqualTo(3);
    assertThat(web.getInteger("nodesUnavailable")).isEqualTo(2);
    assertThat(web.getString("unavailableSince")).isEqualTo(since.toString());
    assertThat(byName.get("web").getJsonObject("nodes").getInteger("up")).isEqualTo(3);

    assertThat(byName.get("batch").getJsonObject("lock").getString("health"))
        .isEqualTo("unavailable");
    assertThat(byName.get("old").getJsonObject("lock").getString("health")).isEqualTo("unknown");
    JsonObject gone = byName.get("gone");
    assertThat(gone.getJsonObject("nodes").getInteger("down")).isEqualTo(1);
    assertThat(gone.getJsonObject("lock").getString("health")).isEqualTo("unknown");
    assertThat(gone.getJsonObject("lock").getValue("unavailableSince")).isNull();

    Map<String, Object> lockByNode = new HashMap<>();
    for (Object o : http.get("/api/v1/nodes", ADMIN).json().getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      lockByNode.put(n.getString("nodeId"), n.getValue("lock"));
    }
    assertThat(lockByNode).containsEntry("old-1", null);
    assertThat(((JsonObject) lockByNode.get("web-1")).getBoolean("available")).isTrue();
    JsonObject web2 = (JsonObject) lockByNode.get("web-2");
    assertThat(web2.getBoolean("available")).isFalse();
    assertThat(web2.getString("backend")).isEqualTo("redis");
    assertThat(web2.getString("unavailableSince")).isEqualTo(since.toString());
  }

  @Test
  void anOutageLongerThanTheThresholdIsOneAlertAndItsDeferralsAreNoFailures() {
    LockState down = new LockState("redis", T0);
    heartbeat("n1", "mcp-server", down);
    List<RotationEvent> events = new ArrayList<>();
    events.add(Wire.event("n1", Result.SUCCESS, T0.minusSeconds(600)));
    for (int i = 0; i < 30; i++) {
      events.add(Wire.deferred("n1", T0.plusSeconds(i)));
    }
    assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(60));
    heartbeat("n1", "mcp-server", down);
    coordinator.alerts().evaluate();
    assertThat(firing()).isEmpty();

    clock.advance(Duration.ofSeconds(70));
    heartbeat("n1", "mcp-server", down);
    coordinator.alerts().evaluate();
    JsonArray firing = firing();
    assertThat(firing).hasSize(1);
    JsonObject alert = firing.getJsonObject(0);
    assertThat(alert.getString("rule")).isEqualTo("lockUnavailable");
    assertThat(alert.getString("node")).isEqualTo("n1");
    assertThat(alert.getString("subject")).isEqualTo("redis");
    assertThat(alert.getString("severity")).isEqualTo("critical");
    assertThat(alert.getDouble("value")).isEqualTo(130.0);
    assertThat(alert.getDouble("threshold")).isEqualTo(120.0);
    assertThat(alert.getString("summary"))
        .isEqualTo(
            "n1 has not reached its redis lock service since "
                + T0
                + " (2 min, threshold 2 min); its due logs wait for it");
    JsonObject node = http.get("/api/v1/nodes/n1", ADMIN).json();
    assertThat(node.getDouble("successRatio1h")).isEqualTo(1.0);
    JsonObject fleet = http.get("/api/v1/fleet", ADMIN).json();
    assertThat(fleet.getJsonObject("rotations").getJsonObject("lastHour").getInteger("failures"))
        .isZero();

    clock.advance(Duration.ofSeconds(15));
    heartbeat("n1", "mcp-server", new LockState("redis", null));
    coordinator.alerts().evaluate();
    assertThat(firing()).isEmpty();
    JsonObject resolved =
        http.get("/api/v1/alerts", ADMIN).json().getJsonArray("recent").getJsonObject(0);
    assertThat(resolved.getString("kind")).isEqualTo("resolved");
    assertThat(resolved.getString("rule")).isEqualTo("lockUnavailable");
  }

  private JsonArray firing() {
    return http.get("/api/v1/alerts", ADMIN).json().getJsonArray("firing");
  }

  private static LockState lockOf(String node, Instant since) {
    return switch (node) {
      case "web-1" -> new LockState("redis", null);
      case "web-2" -> new LockState("redis", since);
      case "web-3" -> new LockState("redis", since.plusSeconds(10));
      case "batch-1" -> new LockState("hazelcast", since);
      case "gone-1" -> new LockState("redis", since);
      default -> null;
    };
  }

  private void heartbeat(String node, String group, LockState lock) {
    Http.Response r =
        http.post(
            "/api/v1/heartbeats",
            AGENT,
            Wire.json(Wire.withLock(Wire.heartbeat(node, clock.instant(), 0.5), group, lock)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }
}
