package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every response carries the security headers, as headers (a meta tag cannot set frame-ancestors),
 * whatever the route, status or token.
 */
class SecurityHeadersTest {
  @TempDir Path dir;
  Coordinator coordinator;
  Http http;

  @BeforeEach
  void start() throws Exception {
    coordinator =
        Coordinator.start(
            TestCoordinators.config(dir), new MutableClock(Instant.parse("2026-11-21T09:00:00Z")));
    http = new Http(coordinator.port());
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  private static void assertSecurityHeaders(
      String what, java.util.function.Function<String, String> header) {
    assertThat(header.apply("content-security-policy"))
        .as(what)
        .contains("frame-ancestors 'none'")
        .contains("default-src 'none'")
        .contains("script-src 'self'");
    assertThat(header.apply("x-content-type-options")).as(what).isEqualTo("nosniff");
    assertThat(header.apply("referrer-policy")).as(what).isEqualTo("no-referrer");
    assertThat(header.apply("x-frame-options")).as(what).isEqualTo("DENY");
  }

  @Test
  void everyKindOfResponseCarriesTheSecurityHeaders() {
    record Call(String path, String token, int status) {}
    List<Call> calls =
        List.of(
            new Call("/", null, 200),
            new Call("/dashboard.js", null, 200),
            new Call("/health", null, 200),
            new Call("/metrics", null, 200),
            new Call("/api/v1/openapi.json", null, 200),
            new Call("/api/v1/fleet", ADMIN, 200),
            new Call("/api/v1/fleet", null, 401),
            new Call("/api/v1/fleet", AGENT, 403),
            new Call("/api/v1/nodes/unknown", ADMIN, 404),
            new Call("/api/v1/rotations?limit=0", ADMIN, 400),
            new Call("/no/such/thing", ADMIN, 404));
    for (Call c : calls) {
      Http.Response r = http.get(c.path(), c.token());
      assertThat(r.status()).as(c.path()).isEqualTo(c.status());
      assertSecurityHeaders(c.path() + " " + r.status(), r::header);
    }
    Http.Response post = http.post("/api/v1/heartbeats", AGENT, "{");
    assertThat(post.status()).isEqualTo(400);
    assertSecurityHeaders("POST heartbeat 400", post::header);
  }

  @Test
  void aRequestRefusedBeforeRoutingCarriesTheSecurityHeadersToo() {
    RawHttp.Answer a = RawHttp.get(coordinator.port(), "/api/v1/rotations?cursor=%%%", ADMIN);

    assertThat(a.status()).isEqualTo(400);
    assertSecurityHeaders("malformed URI", a::header);
  }
}
