package io.fleetrotate.coordinator;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real HTTP server on loopback that keeps every JSON body POSTed to it: a webhook's receiver. */
public final class WebhookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          received.add(
              new JsonObject(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  /** Every body received so far, in arrival order. */
  public List<JsonObject> received() {
    return received;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
