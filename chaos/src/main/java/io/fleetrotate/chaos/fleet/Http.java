package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Small blocking HTTP GETs against the fleet's processes; a refused connection is empty. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private Http() {}

  /**
   * A response.
   *
   * @param status the HTTP status
   * @param body the body as text
   */
  public record Response(int status, String body) {
    public boolean ok() {
      return status == 200;
    }
  }

  /** GET {@code uri} with an optional bearer token; empty when nothing answers. */
  public static Optional<Response> get(URI uri, String bearer) {
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
      return Optional.of(new Response(r.statusCode(), r.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
