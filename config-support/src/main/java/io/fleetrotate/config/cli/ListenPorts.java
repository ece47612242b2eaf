package io.fleetrotate.config.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Whether a port a process is about to listen on is free, asked before start-up touches any file,
 * so that "port in use" is one sentence naming the key and value instead of a stack trace later.
 */
public final class ListenPorts {
  private ListenPorts() {}

  /**
   * Binds {@code bind:port} for a moment and closes it.
   *
   * @param key the configuration key of the port, e.g. {@code http.port}
   * @return the sentence to print if the port cannot be listened on; empty if it can, or if {@code
   *     port} is 0 (any free port)
   */
  public static Optional<String> refuseInUse(String key, String bind, int port) {
    if (port == 0) {
      return Optional.empty();
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as the servers do: a port in TIME_WAIT is free
      probe.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 1);
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
        return Optional.of(
            key
                + " "
                + port
                + " is already in use on "
                + bind
                + "; stop the process listening there or set another "
                + key
                + ".");
      }
      return Optional.of(
          key
              + " "
              + port
              + " cannot be listened on at "
              + bind
              + " ("
              + e.getMessage()
              + "); set another "
              + key
              + " or bind address.");
    }
  }
}
