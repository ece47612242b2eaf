package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.ConfigLoader;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics is closed unless the configuration opens it: a scrape token may read /metrics and
 * nothing else, an admin token may read it too, an agent token may not; auth.openMetrics: true
 * opens it explicitly. /health answers probes without a token but shows its counts only with one.
 */
class MetricsAuthTest {
  static final String SCRAPE = "scrape-token-0123456789abcdef";

  @TempDir Path dir;
  Coordinator coordinator;
  Http http;

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
  }

  private void start(String authExtra) throws Exception {
    Path yaml = dir.resolve("coordinator.yaml");
    Files.writeString(
        yaml,
        "http: { bind: 127.0.0.1, port: 0 }\n"
            + "auth:\n"
            + "  agentTokens: [\""
            + AGENT
            + "\"]\n"
            + "  adminTokens: [\""
            + ADMIN
            + "\"]\n"
            + authExtra
            + "hazelcast: { enabled: false }\n"
            + "store: { dir: "
            + dir.resolve("store")
            + " }\n");
    CoordinatorConfig config = ConfigLoader.load(yaml, Map.of());
    coordinator =
        Coordinator.start(config, new MutableClock(Instant.parse("2026-11-21T09:00:00Z")));
    http = new Http(coordinator.port());
  }

  @Test
  void metricsNeedATokenByDefault() throws Exception {
    start("");

    Http.Response r = http.get("/metrics", null);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().getString("error")).contains("token");
  }

  @Test
  void scrapeTokenReadsMetricsAndNothingElse() throws Exception {
    start("  scrapeTokens: [\"" + SCRAPE + "\"]\n");

    assertThat(http.get("/metrics", SCRAPE).status()).isEqualTo(200);
    assertThat(http.get("/metrics", SCRAPE).body()).contains("fleetrotate_nodes");
    assertThat(http.get("/metrics", ADMIN).status()).isEqualTo(200);
    Http.Response agent = http.get("/metrics", AGENT);
    assertThat(agent.status()).isEqualTo(403);
    assertThat(agent.json().getString("error")).contains("auth.scrapeTokens");
    assertThat(http.get("/api/v1/fleet", SCRAPE).status()).isEqualTo(403);
    assertThat(http.get("/api/v1/nodes", SCRAPE).status()).isEqualTo(403);
    assertThat(http.post("/api/v1/events", SCRAPE, "[]").status()).isEqualTo(403);
  }

  @Test
  void openMetricsTrueOpensMetricsExplicitly() throws Exception {
    start("  openMetrics: true\n");

    assertThat(http.get("/metrics", null).status()).isEqualTo(200);
  }

  @Test
  void healthAnswersProbesWithoutATokenButShowsCountsOnlyWithOne() throws Exception {
    start("  scrapeTokens: [\"" + SCRAPE + "\"]\n");

    Http.Response probe = http.get("/health", null);
    Http.Response withToken = http.get("/health", SCRAPE);

    assertThat(probe.status()).isEqualTo(200);
    assertThat(probe.json().getString("status")).isEqualTo("UP");
    assertThat(probe.json().containsKey("nodes")).isFalse();
    assertThat(withToken.json().getInteger("nodes")).isZero();
  }

  /**
   * A scraper that accepts gzip (Prometheus does) gets the exposition compressed on a worker
   * thread, once, and whole; one that does not gets the text as it is.
   */
  @Test
  void aScraperAcceptingGzipGetsTheWholeExpositionCompressedOnce() throws Exception {
    start("");
    for (int i = 0; i < 300; i++) {
      assertThat(
              http.post(
                      "/api/v1/heartbeats",
                      AGENT,
                      Wire.heartbeatJson("n" + i, Instant.parse("2026-11-21T09:00:00Z"), 0.5))
                  .status())
          .isEqualTo(200);
    }

    HttpResponse<byte[]> gzipped = scrape("gzip, deflate");
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
    String text;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    HttpResponse<byte[]> plain = scrape(null);
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    String plainText = new String(plain.body(), StandardCharsets.UTF_8);

    assertThat(text)
        .contains("fleetrotate_nodes{state=\"up\"} 300")
        .contains("fleetrotate_node_disk_used_ratio{node=\"n299\"")
        .endsWith("\n")
        .isEqualTo(plainText);
    assertThat(gzipped.body().length).isLessThan(plain.body().length / 4);
  }

  private HttpResponse<byte[]> scrape(String acceptEncoding) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.port() + "/metrics"))
            .header("authorization", "Bearer " + ADMIN);
    if (acceptEncoding != null) {
      request.header("accept-encoding", acceptEncoding);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
