package io.fleetrotate.agent.report;

import io.fleetrotate.agent.config.CoordinatorConfig;
import io.fleetrotate.config.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * Posts JSON documents to the coordinator ({@code POST {url}/api/v1/...}) with the agent's bearer
 * token. Blocking, thread-safe; callers run it off the rotation worker. Never follows redirects:
 * the token must not travel to another host.
 */
final class CoordinatorClient {
  static final String HEARTBEATS = "/api/v1/heartbeats";
  static final String EVENTS = "/api/v1/events";

  private final CoordinatorConfig config;
  private final String base;
  private final Clock clock;
  private final HttpClient http;

  /**
   * @throws IOException {@code coordinator.tls} names a file that cannot be read or parsed
   */
  CoordinatorClient(CoordinatorConfig config, Duration connectTimeout, Clock clock)
      throws IOException {
    this.config = config;
    String url = config.url().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.clock = clock;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (config.tls().isConfigured()) {
      http.sslContext(config.tls().sslContext());
    }
    this.http = http.build();
  }

  /** The coordinator's base URL, for messages. */
  String url() {
    return base;
  }

  /**
   * @throws IOException the coordinator could not be reached, or did not answer within {@code
   *     timeout}
   */
  CoordinatorResponse post(String path, byte[] json, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    config.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (SSLHandshakeException e) {
      if (TlsConfig.isUntrustedCertificate(e)) {
        throw new SSLHandshakeException(
            "certificate not trusted; "
                + (config.tls().ca().isPresent()
                    ? "check that coordinator.tls.ca holds the CA that signed the coordinator's"
                        + " certificate and that it names the host in the url"
                    : "set coordinator.tls.ca to the PEM file of the CA that signed it"));
      }
      throw e;
    }
    Optional<Duration> retryAfter =
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(v -> CoordinatorResponse.parseRetryAfter(v, clock.instant()));
    return new CoordinatorResponse(response.statusCode(), response.body(), retryAfter);
  }
}
