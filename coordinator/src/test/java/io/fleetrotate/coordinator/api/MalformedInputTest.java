package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every class of malformed input an attacker test sent: each is a 4xx with one sentence, nothing is
 * stored or changed, and no stack trace reaches the log.
 */
class MalformedInputTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;
  Http http;
  ListAppender<ILoggingEvent> logged = new ListAppender<>();
  Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() throws Exception {
    logged.start();
    root.addAppender(logged);
    coordinator = Coordinator.start(TestCoordinators.config(dir), clock);
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
    root.detachAppender(logged);
    assertThat(logged.list)
        .as("no stack trace and no error is logged for a client's mistake")
        .noneMatch(
            e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.ERROR));
  }

  private static void assertOneSentence4xx(int status, String body) {
    assertThat(status).as(body).isBetween(400, 499);
    String error = new JsonObject(body).getString("error");
    assertThat(error).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
    assertThat(error.length()).isLessThan(400);
  }

  private void assertNothingStored() {
    assertThat(coordinator.history().size()).isZero();
    assertThat(coordinator.fleet().allNodes()).isEmpty();
  }

  @Test
  void malformedPercentEncodingInAQueryParameterIs400() {
    RawHttp.Answer a = RawHttp.get(coordinator.port(), "/api/v1/rotations?cursor=%%%", ADMIN);

    assertOneSentence4xx(a.status(), a.body());
    assertThat(new JsonObject(a.body()).getString("error")).contains("percent-encoding");
  }

  @Test
  void malformedPercentEncodingInAPathIs4xx() {
    RawHttp.Answer a = RawHttp.get(coordinator.port(), "/api/v1/nodes/%zz%", ADMIN);

    assertThat(a.status()).as(a.head()).isBetween(400, 499);
  }

  @Test
  void invalidUtf8AndControlCharactersInANodeIdPathParameterAre400() {
    RawHttp.Answer utf8 = RawHttp.get(coordinator.port(), "/api/v1/nodes/n%C3%28", ADMIN);
    RawHttp.Answer control = RawHttp.get(coordinator.port(), "/api/v1/nodes/n%1B%5B2J", ADMIN);

    assertOneSentence4xx(utf8.status(), utf8.body());
    assertThat(utf8.status()).isEqualTo(400);
    assertOneSentence4xx(control.status(), control.body());
    assertThat(control.status()).isEqualTo(400);
  }

  @Test
  void eventStartedInTheYear1700IsRefusedAtDecodeWithItsPathAndNotStored() {
    JsonArray batch = new JsonArray(Wire.eventsJson(List.of(Wire.event("n1", Result.SUCCESS, T0))));
    batch.getJsonObject(0).put("startedAt", "1700-01-01T00:00:00Z");

    Http.Response r = http.post("/api/v1/events", AGENT, batch.encode());

    assertOneSentence4xx(r.status(), r.body());
    assertThat(r.json().getString("error"))
        .isEqualTo("$[0].startedAt: must be between 1970 and 9999");
    assertThat(r.json().getString("path")).isEqualTo("$[0].startedAt");
    assertNothingStored();
  }

  @Test
  void lockWaitThatOverflowsIsRefusedAndNotStored() {
    JsonArray batch = new JsonArray(Wire.eventsJson(List.of(Wire.event("n1", Result.SUCCESS, T0))));
    batch.getJsonObject(0).put("lockWaitMs", Long.MAX_VALUE);

    Http.Response r = http.post("/api/v1/events", AGENT, batch.encode());

    assertOneSentence4xx(r.status(), r.body());
    assertThat(r.json().getString("path")).isEqualTo("$[0].lockWaitMs");
    assertNothingStored();
  }

  @Test
  void invalidUtf8InANodeIdIsRefusedAndNotStored() {
    String[] halves = Wire.heartbeatJson("nX", T0, 0.5).split("nX", 2);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(halves[0].getBytes(StandardCharsets.UTF_8));
    body.writeBytes(new byte[] {'n', (byte) 0xC3, (byte) 0x28, (byte) 0xFF});
    body.writeBytes(halves[1].getBytes(StandardCharsets.UTF_8));

    Http.Response r = http.post("/api/v1/heartbeats", AGENT, body.toByteArray());

    assertOneSentence4xx(r.status(), r.body());
    assertNothingStored();
  }

  @Test
  void loneSurrogateInANodeIdIsRefusedAndNotStored() {
    String body = Wire.heartbeatJson("nX", T0, 0.5).replace("\"nX\"", "\"n\\ud800\"");

    Http.Response r = http.post("/api/v1/heartbeats", AGENT, body);

    assertOneSentence4xx(r.status(), r.body());
    assertThat(r.json().getString("path")).isEqualTo("$.nodeId");
    assertNothingStored();
  }

  @Test
  void controlCharactersInAnIdAreRefusedAndNotStored() {
    String body = Wire.heartbeatJson("nX", T0, 0.5).replace("\"nX\"", "\"n\\u001b[2J\"");

    Http.Response r = http.post("/api/v1/heartbeats", AGENT, body);

    assertOneSentence4xx(r.status(), r.body());
    assertThat(r.json().getString("path")).isEqualTo("$.nodeId");
    assertNothingStored();
  }

  @Test
  void dotAndDotDotAreRefusedAsNodeIds() {
    for (String id : List.of(".", "..")) {
      String body = Wire.heartbeatJson("nX", T0, 0.5).replace("\"nX\"", "\"" + id + "\"");

      Http.Response r = http.post("/api/v1/heartbeats", AGENT, body);

      assertOneSentence4xx(r.status(), r.body());
      assertThat(r.json().getString("error")).isEqualTo("$.nodeId: must not be \".\" or \"..\"");
    }
    assertNothingStored();
  }

  @Test
  void duplicateKeysInAnAdminBodyAre400AndQueueNothing() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));

    Http.Response r =
        http.post(
            "/api/v1/nodes/n1/rotate",
            ADMIN,
            "{\"path\": \"/var/log/mcp/server.log\", \"path\": \"/etc/shadow\"}");

    assertOneSentence4xx(r.status(), r.body());
    assertThat(coordinator.fleet().pendingCommands("n1")).isZero();
  }

  @Test
  void trailingDataAfterAnAdminBodyIs400AndQueuesNothing() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));

    Http.Response r =
        http.post(
            "/api/v1/nodes/n1/rotate", ADMIN, "{\"path\": \"/var/log/mcp/server.log\"} {\"x\":1}");

    assertOneSentence4xx(r.status(), r.body());
    assertThat(coordinator.fleet().pendingCommands("n1")).isZero();
  }

  @Test
  void controlCharactersInAnAdminBodyPathAre400AndQueueNothing() {
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));

    Http.Response r =
        http.post("/api/v1/nodes/n1/rotate", ADMIN, "{\"path\": \"/var/log/a\\u0007.log\"}");

    assertOneSentence4xx(r.status(), r.body());
    assertThat(r.json().getString("path")).isEqualTo("$.path");
    assertThat(coordinator.fleet().pendingCommands("n1")).isZero();
  }

  @Test
  void badChunkSizeIsRefusedWithoutAStackTraceInTheLog() {
    String request =
        "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + AGENT
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2\r\n[]\r\nzz-not-hex\r\n{}\r\n0\r\n\r\n";

    RawHttp.Answer a =
        RawHttp.exchange(coordinator.port(), request.getBytes(StandardCharsets.ISO_8859_1));

    // Either a 4xx or a closed connection; never a 500. The log check is in stop().
    assertThat(a.status()).as(a.head()).isLessThan(500);
    assertNothingStored();
  }
}
