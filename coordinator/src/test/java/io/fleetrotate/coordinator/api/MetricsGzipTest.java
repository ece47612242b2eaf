package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scraper that accepts gzip (Prometheus does) gets the exposition compressed on a worker thread,
 * once, and whole; one that does not gets the text as it is.
 */
class MetricsGzipTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  Coordinator coordinator;

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void aScraperAcceptingGzipGetsTheWholeExpositionCompressedOnce() throws Exception {
    coordinator = Coordinator.start(TestCoordinators.config(dir), new MutableClock(T0));
    Http http = new Http(coordinator.port());
    for (int i = 0; i < 300; i++) {
      assertThat(
              http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n" + i, T0, 0.5)).status())
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
