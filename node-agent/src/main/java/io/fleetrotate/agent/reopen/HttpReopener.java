package io.fleetrotate.agent.reopen;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls an HTTP endpoint of the MCP server that reopens its log; any 2xx answer is success. */
public final class HttpReopener implements Reopener {

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final int BODY_CHARS_IN_MESSAGE = 200;

  private final URI url;
  private final String method;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * @param url an absolute http or https URL
   * @param method GET, POST, PUT, PATCH or DELETE
   * @param timeout the longest one call may take, connecting included
   * @throws IllegalArgumentException when the URL, method or timeout is not usable
   */
  public HttpReopener(URI url, String method, Duration timeout) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "reopen URL \"" + url + "\" must be an absolute http:// or https:// URL with a host");
    }
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "reopen HTTP method \"" + method + "\" is not one of GET, POST, PUT, PATCH, DELETE");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("reopen timeout must be positive, got " + timeout);
    }
    this.url = url;
    this.method = method;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public void reopen() throws ReopenFailure {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(timeout)
            .build();
    CompletableFuture<HttpResponse<String>> call =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> response;
    try {
      // The request timeout stops at the headers; this bound also covers a body that trickles.
      response = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw timedOut();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new ReopenFailure(
          "reopen request " + this + " was interrupted; the agent is shutting down", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw timedOut();
      }
      if (cause instanceof ConnectException) {
        throw new ReopenFailure(
            "reopen request " + this + " could not connect; is the MCP server listening there?",
            cause);
      }
      if (cause instanceof IOException) {
        throw new ReopenFailure(
            "reopen request " + this + " failed (" + cause + "); check the URL and the server",
            cause);
      }
      throw new IllegalStateException("unexpected failure of " + this, cause);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      String body = response.body().strip().replaceAll("\\s+", " ");
      if (body.length() > BODY_CHARS_IN_MESSAGE) {
        body = body.substring(0, BODY_CHARS_IN_MESSAGE) + "...";
      }
      throw new ReopenFailure(
          "reopen request "
              + this
              + " answered HTTP "
              + status
              + (body.isEmpty() ? "" : " (" + body + ")")
              + "; check the MCP server's log for why its reopen endpoint failed");
    }
  }

  private ReopenFailure timedOut() {
    return new ReopenFailure(
        "reopen request "
            + this
            + " got no answer within "
            + timeout.toMillis()
            + " ms; check that the MCP server is up and its reopen endpoint responds");
  }

  @Override
  public String toString() {
    return method + " " + url;
  }
}
