package io.fleetrotate.agent.report;

import io.fleetrotate.agent.config.CoordinatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

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

  CoordinatorClient(CoordinatorConfig config, Duration connectTimeout, Clock clock) {
    this.config = config;
    String url = config.url().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
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
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    Optional<Duration> retryAfter =
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(v -> CoordinatorResponse.parseRetryAfter(v, clock.instant()));
    return new CoordinatorResponse(response.statusCode(), response.body(), retryAfter);
  }
}
