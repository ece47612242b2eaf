package io.fleetrotate.coordinator.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long a client may take to send a request, so half-sent requests (slowloris) cannot
 * hold connections: the idle timeout alone never fires for a client that trickles a byte now and
 * then.
 *
 * <ul>
 *   <li>A new connection must deliver a complete request head within {@code requestTimeout}.
 *   <li>Between keep-alive requests, the next head must be complete within {@code idleTimeout +
 *       requestTimeout} of the previous response (a silent connection is closed at idleTimeout).
 *   <li>A request's body must be fully received within {@code requestTimeout} of its head; if not,
 *       the request is answered 408 (when no answer has started) and the connection closed.
 * </ul>
 *
 * One instance per HTTP server; it is only ever called on that server's event loop.
 */
final class RequestDeadlines {
  private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

  private final Vertx vertx;
  private final long requestMillis;
  private final long betweenRequestsMillis;
  private final Map<HttpConnection, Connection> connections = new HashMap<>();

  RequestDeadlines(Vertx vertx, Duration idleTimeout, Duration requestTimeout) {
    this.vertx = vertx;
    this.requestMillis = Math.max(1, requestTimeout.toMillis());
    this.betweenRequestsMillis = idleTimeout.toMillis() + requestMillis;
  }

  /** The server's connection handler. */
  void connected(HttpConnection connection) {
    Connection c = new Connection(connection);
    connections.put(connection, c);
    connection.closeHandler(ignored -> c.closed());
    c.awaitHead(requestMillis);
  }

  /** Call first for every request, before the router sees it. */
  void requestArrived(HttpServerRequest request) {
    Connection c = connections.get(request.connection());
    if (c == null) {
      return;
    }
    c.headArrived();
    long bodyTimer =
        vertx.setTimer(
            requestMillis,
            id -> {
              if (!request.isEnded()) {
                c.bodyTooSlow(request);
              }
            });
    request.end().onComplete(ignored -> vertx.cancelTimer(bodyTimer));
  }

  /** Call when the response to {@code request} has ended (or failed). */
  void answered(HttpServerRequest request) {
    Connection c = connections.get(request.connection());
    if (c != null) {
      c.answered(request.version() != HttpVersion.HTTP_2);
    }
  }

  private final class Connection {
    private final HttpConnection connection;
    private long headTimer = -1;
    private int open;

    Connection(HttpConnection connection) {
      this.connection = connection;
    }

    void awaitHead(long millis) {
      cancelHeadTimer();
      headTimer =
          vertx.setTimer(
              millis,
              id -> {
                headTimer = -1;
                if (open == 0) {
                  log.debug(
                      "closing the connection from {}: no complete request head in {} ms",
                      connection.remoteAddress(),
                      millis);
                  connection.close();
                }
              });
    }

    void headArrived() {
      cancelHeadTimer();
      open++;
    }

    void answered(boolean awaitNextHead) {
      open = Math.max(0, open - 1);
      if (open == 0 && awaitNextHead) {
        awaitHead(betweenRequestsMillis);
      }
    }

    void bodyTooSlow(HttpServerRequest request) {
      log.debug(
          "closing the connection from {}: the body of {} {} did not arrive in {} ms",
          connection.remoteAddress(),
          request.method(),
          request.path(),
          requestMillis);
      HttpServerResponse response = request.response();
      if (response.headWritten() || response.ended() || response.closed()) {
        connection.close();
        return;
      }
      response
          .setStatusCode(408)
          .putHeader("content-type", "application/json")
          .putHeader("connection", "close")
          .end(
              new JsonObject()
                  .put(
                      "error",
                      "the request body did not arrive within "
                          + requestMillis / 1000.0
                          + " s (http.requestTimeout); send it at once")
                  .toBuffer())
          .onComplete(ignored -> connection.close());
    }

    void closed() {
      cancelHeadTimer();
      connections.remove(connection);
    }

    private void cancelHeadTimer() {
      if (headTimer != -1) {
        vertx.cancelTimer(headTimer);
        headTimer = -1;
      }
    }
  }
}
