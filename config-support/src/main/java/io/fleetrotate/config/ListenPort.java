package io.fleetrotate.config;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * A port a configuration makes its process listen on, checked before start-up touches any file, so
 * that "port in use" is one sentence naming the key and value instead of a stack trace later.
 *
 * @param key the configuration key of the port, e.g. {@code http.port}
 * @param bind the address to listen on
 * @param port the port; 0 means any free port
 */
public record ListenPort(String key, String bind, int port) {
  /**
   * Binds {@code bind:port} for a moment and closes it.
   *
   * @return the sentence to print if the port cannot be listened on; empty if it can, or if {@code
   *     port} is 0
   */
  public Optional<String> refuseInUse() {
    if (port == 0) {
      return Optional.empty();
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as the servers do: a port in TIME_WAIT is free
      probe.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 1);
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.of(refusal(e));
    }
  }

  /**
   * The sentence for {@code e}, the failure to listen on this port: what {@link #refuseInUse} says,
   * and what a server that finds the port taken only when it binds (taken in between) says too.
   */
  public String refusal(Exception e) {
    if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
      return key
          + " "
          + port
          + " is already in use on "
          + bind
          + "; stop the process listening there or set another "
          + key
          + ".";
    }
    return key
        + " "
        + port
        + " cannot be listened on at "
        + bind
        + " ("
        + e.getMessage()
        + "); set another "
        + key
        + " or bind address.";
  }
}
