package io.fleetrotate.agent.reopen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpReopenerTest {

  private HttpServer server;
  private ExecutorService handlers;
  private final List<String> received = new CopyOnWriteArrayList<>();
  // Holds the stalling handler until the test is over, so no sleep decides how long it stalls.
  private final CountDownLatch releaseStalled = new CountDownLatch(1);

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handlers = Executors.newCachedThreadPool();
    server.setExecutor(handlers);
    server.createContext("/reopen", exchange -> answer(exchange, 204, ""));
    server.createContext("/broken", exchange -> answer(exchange, 500, "log dir not writable\n"));
    server.createContext(
        "/stall",
        exchange -> {
          try {
            releaseStalled.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answer(exchange, 204, "");
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    releaseStalled.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }

  @Test
  void answer204IsSuccessAndTheEndpointSeesTheConfiguredMethod() throws Exception {
    new HttpReopener(url("/reopen"), "POST", Duration.ofSeconds(5)).reopen();

    assertThat(received).containsExactly("POST /reopen");
  }

  @Test
  void answer500FailsNamingTheStatusAndTheBody() {
    Reopener reopener = new HttpReopener(url("/broken"), "POST", Duration.ofSeconds(5));

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "reopen request POST "
                + url("/broken")
                + " answered HTTP 500 (log dir not writable);"
                + " check the MCP server's log for why its reopen endpoint failed");
  }

  @Test
  void stalledEndpointFailsNamingTheTimeoutSoonAfterIt() {
    Reopener reopener = new HttpReopener(url("/stall"), "PUT", Duration.ofMillis(300));

    long started = System.nanoTime();
    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "reopen request PUT "
                + url("/stall")
                + " got no answer within 300 ms;"
                + " check that the MCP server is up and its reopen endpoint responds");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
  }

  @Test
  void refusedConnectionAsksWhetherTheServerListens() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI nobody = URI.create("http://127.0.0.1:" + closedPort + "/reopen");

    assertThatThrownBy(() -> new HttpReopener(nobody, "POST", Duration.ofSeconds(2)).reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "reopen request POST "
                + nobody
                + " could not connect; is the MCP server listening there?");
  }

  @Test
  void unusableUrlAndMethodAreRejectedUpFront() {
    assertThatThrownBy(() -> new HttpReopener(URI.create("/reopen"), "POST", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "reopen URL \"/reopen\" must be an absolute http:// or https:// URL with a host");
    assertThatThrownBy(() -> new HttpReopener(url("/reopen"), "post", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reopen HTTP method \"post\" is not one of GET, POST, PUT, PATCH, DELETE");
  }

  private void answer(HttpExchange exchange, int status, String body) throws IOException {
    received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }
}
