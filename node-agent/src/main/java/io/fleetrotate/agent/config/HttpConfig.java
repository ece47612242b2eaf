package io.fleetrotate.agent.config;

import io.fleetrotate.config.ListenPort;
import java.util.Objects;

/**
 * The agent's own HTTP endpoint for /health and /metrics ({@code http}).
 *
 * @param enabled whether to serve it at all (default true)
 * @param bind the address to listen on (default {@code 0.0.0.0})
 * @param port 0..65535 (default 8421); 0 picks any free port
 */
public record HttpConfig(boolean enabled, String bind, int port) {
  public HttpConfig {
    Objects.requireNonNull(bind, "bind");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The port as the start-up check and the daemon's bind name it ({@code http.port}). */
  public ListenPort listenPort() {
    return new ListenPort("http.port", bind, port);
  }
}
