package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on the loopback interface, each handed out once per JVM. The port is free when
 * chosen; another program could take it before the child binds it, which on a test machine is rare
 * enough to accept (a child that cannot bind fails its readiness wait with a clear log).
 */
public final class FreePorts {
  private static final Set<Integer> given = new HashSet<>();

  private FreePorts() {}

  /** A loopback port nobody listens on and this JVM has not handed out before. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = s.getLocalPort();
        if (given.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free loopback port", e);
      }
    }
    throw new IllegalStateException("no new free loopback port after 50 attempts");
  }
}
