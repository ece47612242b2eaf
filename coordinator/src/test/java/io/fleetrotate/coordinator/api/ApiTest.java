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
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTest {
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

  // ---- heartbeats ----

  @Test
  void heartbeatIsRecordedAndAnsweredWithServerTimeAndNoCommands() {
    Http.Response r = http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("protocolVersion")).isEqualTo(ProtocolVersion.CURRENT);
    assertThat(r.json().getString("serverTime")).isEqualTo(T0.toString());
    assertThat(r.json().getJsonArray("commands")).isEmpty();
    assertThat(coordinator.fleet().node("n1")).isPresent();
  }

  @Test
  void heartbeatWithoutTokenIs401AndWithAdminTokenIs403() {
    String body = Wire.heartbeatJson("n1", T0, 0.5);
    Http.Response none = http.post("/api/v1/heartbeats", null, body);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("www-authenticate")).isEqualTo("Bearer");
    assertThat(none.json().getString("error")).contains("token");
    assertThat(http.post("/api/v1/heartbeats", "wrong-token-0123456789", body).status())
        .isEqualTo(401);
    Http.Response admin = http.post("/api/v1/heartbeats", ADMIN, body);
    assertThat(admin.status()).isEqualTo(403);
    assertThat(admin.json().getString("error")).contains("agent token");
  }

  @Test
  void invalidFieldIs400NamingItsJsonPath() {
    JsonObject hb = new JsonObject(Wire.heartbeatJson("n1", T0, 0.5));
    hb.getJsonArray("disks").getJsonObject(0).put("usedBytes", -1);
    Http.Response r = http.post("/api/v1/heartbeats", AGENT, hb.encode());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("path")).isEqualTo("$.disks[0].usedBytes");
    assertThat(r.json().getString("error")).isEqualTo("$.disks[0].usedBytes: must be >= 0");
  }

  @Test
  void malformedJsonIs400AtTheRoot() {
    Http.Response r = http.post("/api/v1/heartbeats", AGENT, "{\"nodeId\": ");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("path")).isEqualTo("$");
    assertThat(r.json().getString("error")).startsWith("$: is not valid JSON");
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    coordinator.close();
    coordinator =
        Coordinator.start(TestCoordinators.withMaxBody(TestCoordinators.config(dir), 1024), clock);
    http = new Http(coordinator.port());
    Http.Response r = http.post("/api/v1/heartbeats", AGENT, "[" + " ".repeat(4096) + "]");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("error")).contains("1024-byte limit");
    assertThat(http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5)).status())
        .isEqualTo(200);
  }

  @Test
  void heartbeatsOverTheRateAre429WithRetryAfter() {
    String body = Wire.heartbeatJson("chatty", T0, 0.5);
    for (int i = 0; i < 60; i++) {
      assertThat(http.post("/api/v1/heartbeats", AGENT, body).status()).isEqualTo(200);
    }
    Http.Response limited = http.post("/api/v1/heartbeats", AGENT, body);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Integer.parseInt(limited.header("retry-after"))).isBetween(1, 60);
    assertThat(limited.json().getString("error")).contains("chatty", "60 heartbeats a minute");
    // Other nodes are not held back, and the node may send again once a token refilled.
    assertThat(
            http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("quiet", T0, 0.5)).status())
        .isEqualTo(200);
    clock.advance(Duration.ofSeconds(2));
    assertThat(http.post("/api/v1/heartbeats", AGENT, body).status()).isEqualTo(200);
  }

  // ---- commands ----

  @Test
  void rotateCommandIsDeliveredWithTheNextHeartbeatOnce() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));
    Http.Response queued =
        http.post("/api/v1/nodes/n1/rotate", ADMIN, "{\"path\": \"/var/log/mcp/server.log\"}");
    assertThat(queued.status()).isEqualTo(202);
    String id = queued.json().getString("commandId");
    assertThat(queued.json().getString("type")).isEqualTo("ROTATE_NOW");

    JsonArray commands =
        http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5))
            .json()
            .getJsonArray("commands");
    assertThat(commands).hasSize(1);
    assertThat(commands.getJsonObject(0).getString("commandId")).isEqualTo(id);
    assertThat(commands.getJsonObject(0).getString("path")).isEqualTo("/var/log/mcp/server.log");
    assertThat(
            http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5))
                .json()
                .getJsonArray("commands"))
        .isEmpty();
  }

  @Test
  void rotateWithoutBodyMeansEveryFile() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));
    Http.Response queued = http.post("/api/v1/nodes/n1/rotate", ADMIN, "");
    assertThat(queued.status()).isEqualTo(202);
    assertThat(queued.json().getValue("path")).isNull();
  }

  @Test
  void rotateOfAnUnknownNodeIs404AndABadPathIs400() {
    assertThat(http.post("/api/v1/nodes/ghost/rotate", ADMIN, "{}").status()).isEqualTo(404);
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));
    Http.Response bad = http.post("/api/v1/nodes/n1/rotate", ADMIN, "{\"path\": 42}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("path")).isEqualTo("$.path");
    assertThat(http.post("/api/v1/nodes/n1/rotate", AGENT, "{}").status()).isEqualTo(403);
  }

  // ---- events ----

  @Test
  void sameEventPostedTwiceIsAckedBothTimesAndCountedOnce() {
    RotationEvent e = Wire.event("n1", Result.SUCCESS, T0);
    String batch = Wire.eventsJson(List.of(e));
    for (int i = 0; i < 2; i++) {
      Http.Response r = http.post("/api/v1/events", AGENT, batch);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getJsonArray("accepted").getList())
          .containsExactly(e.eventId().toString());
    }
    assertThat(coordinator.history().size()).isEqualTo(1);
    assertThat(coordinator.fleet().lastHour().successes()).isEqualTo(1);
    assertThat(coordinator.metrics().scrape())
        .contains("fleetrotate_events_received_total{outcome=\"duplicate\"} 1.0")
        .contains(
            "fleetrotate_rotations_total{node=\"n1\",group=\"mcp-server\",result=\"SUCCESS\",reason=\"none\"} 1");
  }

  @Test
  void aBatchWithOneBadEventIsRefusedNamingTheEventAndTheGoodOneIsStored() {
    JsonArray batch =
        new JsonArray(
            Wire.eventsJson(
                List.of(
                    Wire.event("n1", Result.SUCCESS, T0), Wire.event("n1", Result.SUCCESS, T0))));
    batch.getJsonObject(1).put("eventId", "not-a-uuid");
    Http.Response r = http.post("/api/v1/events", AGENT, batch.encode());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("path")).isEqualTo("$[1].eventId");
    assertThat(coordinator.history().size()).isEqualTo(1);
  }

  @Test
  void eventsNeedAnAgentToken() {
    String batch = Wire.eventsJson(List.of(Wire.event("n1", Result.SUCCESS, T0)));
    assertThat(http.post("/api/v1/events", null, batch).status()).isEqualTo(401);
    assertThat(http.post("/api/v1/events", ADMIN, batch).status()).isEqualTo(403);
  }

  // ---- reads ----

  @Test
  void adminEndpointsRefuseAgentTokensAndNoToken() {
    for (String path :
        List.of(
            "/api/v1/fleet",
            "/api/v1/nodes",
            "/api/v1/nodes/n1",
            "/api/v1/rotations",
            "/api/v1/rotations/export",
            "/api/v1/alerts")) {
      assertThat(http.get(path, null).status()).as(path).isEqualTo(401);
      assertThat(http.get(path, AGENT).status()).as(path).isEqualTo(403);
    }
  }

  @Test
  void fleetCountsNodesByStateAndSpreadsDiskUse() {
    for (int i = 0; i < 20; i++) {
      http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n" + i, T0, i / 20.0));
    }
    clock.advance(Duration.ofSeconds(50)); // 3+ intervals of 15 s: stale
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n0", T0, 0.0));
    post(
        List.of(
            Wire.event("n1", Result.SUCCESS, clock.instant()),
            Wire.event("n1", Result.FAILED, clock.instant()),
            Wire.event("n1", Result.SKIPPED, clock.instant())));

    JsonObject fleet = http.get("/api/v1/fleet", ADMIN).json();
    assertThat(fleet.getJsonObject("nodes").getInteger("up")).isEqualTo(1);
    assertThat(fleet.getJsonObject("nodes").getInteger("stale")).isEqualTo(19);
    assertThat(fleet.getJsonObject("nodes").getInteger("total")).isEqualTo(20);
    assertThat(fleet.getJsonObject("diskUsedRatio").getDouble("max")).isEqualTo(0.95);
    assertThat(fleet.getJsonObject("diskUsedRatio").getDouble("p95")).isEqualTo(0.90);
    assertThat(fleet.getJsonObject("diskUsedRatio").getDouble("mean"))
        .isCloseTo(0.475, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(fleet.getJsonObject("rotations").getDouble("successRatio1h")).isEqualTo(0.5);
    assertThat(fleet.getJsonObject("rotations").getDouble("successRatio24h")).isEqualTo(0.5);

    clock.advance(Duration.ofSeconds(150)); // 10+ intervals: down
    assertThat(http.get("/api/v1/fleet", ADMIN).json().getJsonObject("nodes").getInteger("down"))
        .isEqualTo(19);
  }

  @Test
  void nodeDetailShowsDisksFilesAndRecentRotations() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));
    post(List.of(Wire.event("n1", Result.SUCCESS, T0), Wire.event("n2", Result.SUCCESS, T0)));
    JsonObject n = http.get("/api/v1/nodes/n1", ADMIN).json();
    assertThat(n.getString("state")).isEqualTo("up");
    assertThat(n.getString("lastHeartbeat")).isEqualTo(T0.toString());
    assertThat(n.getJsonArray("disks")).hasSize(1);
    assertThat(n.getJsonArray("files")).hasSize(3);
    assertThat(n.getJsonArray("recentRotations")).hasSize(1);
    assertThat(http.get("/api/v1/nodes/ghost", ADMIN).status()).isEqualTo(404);
    JsonObject list = http.get("/api/v1/nodes", ADMIN).json();
    assertThat(list.getInteger("count")).isEqualTo(1);
  }

  @Test
  void nodeDetailShowsTheLockStateItsAgentReportsAndNoneFromAnOlderAgent() {
    String old =
        Wire.heartbeatJson("old", T0, 0.5)
            .replace(
                "\"protocolVersion\":\"" + ProtocolVersion.CURRENT, "\"protocolVersion\":\"1.0");
    assertThat(old).contains("\"protocolVersion\":\"1.0\"");
    assertThat(http.post("/api/v1/heartbeats", AGENT, old).status()).isEqualTo(200);
    lockHeartbeat("waiting", "mcp-server", new LockState("redis", T0.minusSeconds(30)));

    assertThat(http.get("/api/v1/nodes/old", ADMIN).json().getValue("lock")).isNull();
    JsonObject lock = http.get("/api/v1/nodes/waiting", ADMIN).json().getJsonObject("lock");
    assertThat(lock.getString("backend")).isEqualTo("redis");
    assertThat(lock.getBoolean("available")).isFalse();
    assertThat(lock.getString("unavailableSince")).isEqualTo(T0.minusSeconds(30).toString());
  }

  @Test
  void rotationsPageNewestFirstThroughEveryItemOnce() {
    List<RotationEvent> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add(
          Wire.event(
              "n" + (i % 3), i % 5 == 0 ? Result.FAILED : Result.SUCCESS, T0.plusSeconds(i)));
    }
    post(all);
    Set<String> seen = new HashSet<>();
    String cursor = null;
    Instant previous = Instant.MAX;
    int pages = 0;
    do {
      Http.Response r =
          http.get(
              "/api/v1/rotations?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), ADMIN);
      assertThat(r.status()).isEqualTo(200);
      for (Object o : r.json().getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        Instant finished = Instant.parse(item.getString("finishedAt"));
        assertThat(finished).isBeforeOrEqualTo(previous);
        previous = finished;
        assertThat(seen.add(item.getString("eventId"))).isTrue();
      }
      cursor = r.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(seen).hasSize(25);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void rotationsFilterByNodeResultAndSince() {
    post(
        List.of(
            Wire.event("a", Result.SUCCESS, T0),
            Wire.event("a", Result.FAILED, T0.plusSeconds(10)),
            Wire.event("b", Result.FAILED, T0.plusSeconds(20))));
    assertThat(items("/api/v1/rotations?node=a")).hasSize(2);
    assertThat(items("/api/v1/rotations?result=FAILED")).hasSize(2);
    assertThat(items("/api/v1/rotations?node=a&result=failed")).hasSize(1);
    assertThat(items("/api/v1/rotations?since=" + T0.plusSeconds(5))).hasSize(2);
    assertThat(items("/api/v1/rotations?group=other")).isEmpty();
    JsonObject item = items("/api/v1/rotations?node=a&result=FAILED").getJsonObject(0);
    assertThat(item.getString("reason")).isEqualTo("IO_ERROR");
    assertThat(item.getLong("durationMs")).isEqualTo(2000);
    assertThat(item.getLong("fencingToken")).isEqualTo(7);
  }

  @Test
  void badQueryParametersAre400NamingTheParameter() {
    assertThat(http.get("/api/v1/rotations?limit=0", ADMIN).json().getString("error"))
        .contains("limit");
    assertThat(http.get("/api/v1/rotations?result=MAYBE", ADMIN).status()).isEqualTo(400);
    assertThat(http.get("/api/v1/rotations?since=yesterday", ADMIN).json().getString("error"))
        .contains("since");
    assertThat(http.get("/api/v1/rotations?cursor=bogus", ADMIN).json().getString("error"))
        .contains("cursor");
    assertThat(http.get("/api/v1/rotations/export?format=xml", ADMIN).status()).isEqualTo(400);
  }

  @Test
  void exportGivesCsvAndJsonWithTheSameFilters() {
    RotationEvent failed = Wire.event("a", Result.FAILED, T0);
    post(List.of(failed, Wire.event("a", Result.SUCCESS, T0.plusSeconds(1))));
    Http.Response csv = http.get("/api/v1/rotations/export?format=csv&result=FAILED", ADMIN);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("content-type")).startsWith("text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("eventId,node,group,path,trigger,startedAt,finishedAt");
    assertThat(lines[1])
        .startsWith(failed.eventId() + ",a,mcp-server,/var/log/mcp/server.log,SIZE,");
    assertThat(lines[1]).endsWith(",\"disk said no, \"\"twice\"\"\"");
    Http.Response json = http.get("/api/v1/rotations/export?format=json", ADMIN);
    assertThat(json.array()).hasSize(2);
  }

  @Test
  void healthAndMetricsAreOpenByDefaultAndUnknownPathsAre404Json() {
    assertThat(http.get("/health", null).json().getString("status")).isEqualTo("UP");
    Http.Response metrics = http.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("fleetrotate_nodes{state=\"up\"}");
    Http.Response missing = http.get("/api/v1/nope", ADMIN);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("error")).contains("no such endpoint");
    assertThat(http.get("/api/v1/openapi.json", null).json().getString("openapi")).startsWith("3.");
  }

  @Test
  void closedMetricsNeedAToken() throws Exception {
    coordinator.close();
    coordinator =
        Coordinator.start(TestCoordinators.withClosedMetrics(TestCoordinators.config(dir)), clock);
    http = new Http(coordinator.port());
    assertThat(http.get("/metrics", null).status()).isEqualTo(401);
    assertThat(http.get("/health", null).status()).isEqualTo(200);
    assertThat(http.get("/health", null).json().containsKey("nodes")).isFalse();
    assertThat(http.get("/metrics", ADMIN).status()).isEqualTo(200);
  }

  @Test
  void alertsListsFiringAndRecentNotices() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("full", T0, 0.97));
    coordinator.alerts().evaluate();
    JsonObject alerts = http.get("/api/v1/alerts", ADMIN).json();
    assertThat(alerts.getJsonArray("firing")).hasSize(1);
    JsonObject a = alerts.getJsonArray("firing").getJsonObject(0);
    assertThat(a.getString("rule")).isEqualTo("diskUsedRatio");
    assertThat(a.getString("severity")).isEqualTo("emergency");
    assertThat(a.getString("subject")).isEqualTo("/var/log");
    assertThat(alerts.getJsonArray("recent").getJsonObject(0).getString("kind")).isEqualTo("fired");
    assertThat(http.get("/api/v1/fleet", ADMIN).json().getJsonObject("alerts").getInteger("firing"))
        .isEqualTo(1);
  }

  private JsonArray items(String path) {
    Http.Response r = http.get(path, ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items");
  }

  private void post(List<RotationEvent> events) {
    Http.Response r = http.post("/api/v1/events", AGENT, Wire.eventsJson(events));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonArray("accepted")).hasSize(events.size());
  }

  @SuppressWarnings("unused")
  private static UUID id() {
    return UUID.randomUUID();
  }

  // ---- the lock service's health per node, per group and as an alert ----

  @Test
  void groupsAndNodesShowWhatTheirAgentsSayOfTheLockService() {
    Instant since = T0.minusSeconds(30);
    List<String> nodes = List.of("web-1", "web-2", "web-3", "batch-1", "old-1", "gone-1");
    nodes.forEach(n -> lockHeartbeat(n, n.substring(0, n.indexOf('-')), lockOf(n, since)));
    // gone-1 falls silent until it is down: its last lock state no longer speaks for its group.
    clock.advance(Duration.ofMinutes(3));
    nodes.stream()
        .filter(n -> !n.equals("gone-1"))
        .forEach(n -> lockHeartbeat(n, n.substring(0, n.indexOf('-')), lockOf(n, since)));

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
    lockHeartbeat("n1", "mcp-server", down);
    List<RotationEvent> events = new ArrayList<>();
    events.add(Wire.event("n1", Result.SUCCESS, T0.minusSeconds(600)));
    for (int i = 0; i < 30; i++) {
      events.add(Wire.deferred("n1", T0.plusSeconds(i)));
    }
    assertThat(http.post("/api/v1/events", AGENT, Wire.eventsJson(events)).status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(60));
    lockHeartbeat("n1", "mcp-server", down);
    coordinator.alerts().evaluate();
    assertThat(firingAlerts()).isEmpty();

    clock.advance(Duration.ofSeconds(70));
    lockHeartbeat("n1", "mcp-server", down);
    coordinator.alerts().evaluate();
    JsonArray firing = firingAlerts();
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
    lockHeartbeat("n1", "mcp-server", new LockState("redis", null));
    coordinator.alerts().evaluate();
    assertThat(firingAlerts()).isEmpty();
    JsonObject resolved =
        http.get("/api/v1/alerts", ADMIN).json().getJsonArray("recent").getJsonObject(0);
    assertThat(resolved.getString("kind")).isEqualTo("resolved");
    assertThat(resolved.getString("rule")).isEqualTo("lockUnavailable");
  }

  private JsonArray firingAlerts() {
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

  private void lockHeartbeat(String node, String group, LockState lock) {
    Http.Response r =
        http.post(
            "/api/v1/heartbeats",
            AGENT,
            Wire.json(Wire.withLock(Wire.heartbeat(node, clock.instant(), 0.5), group, lock)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }
}
