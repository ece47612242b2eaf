package io.fleetrotate.chaos.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A fault-injecting TCP proxy on loopback: listens on a free port of 127.0.0.1 (or of another
 * address of this host) and forwards every connection to a target port there, applying the current
 * {@link Mode} to every chunk it forwards. The mode can be switched at any time; it needs no
 * privileges, so it runs anywhere the suite does.
 *
 * <p>Faults never corrupt a stream (TCP does not): a lost segment is modelled as a chunk held back
 * for a retransmission timeout, a black hole as chunks held back until the mode changes.
 */
public final class FaultProxy implements AutoCloseable {
  /** What happens to traffic. */
  public enum Mode {
    /** Forward at once. */
    PASS,
    /** Hold every chunk back {@link #latencyMillis} before forwarding it. */
    LATENCY,
    /** Hold back a third of the chunks for a retransmission timeout (1 s): a lossy link. */
    DROP,
    /** Forward nothing, accept connections and keep them open, until the mode changes. */
    BLACKHOLE,
    /** Reset every open connection (RST) now, and every new one on arrival. */
    RESET
  }

  private static final int CHUNK = 16 * 1024;
  private static final long RETRANSMIT_MILLIS = 1000;
  private static final long POLL_MILLIS = 50;

  private final String name;
  private final InetAddress host;
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.PASS;
  private volatile long latencyMillis = 200;
  private volatile boolean closed;

  private FaultProxy(String name, InetAddress host, int targetPort, ServerSocket server) {
    this.name = name;
    this.host = host;
    this.targetPort = targetPort;
    this.server = server;
  }

  /** Starts a proxy to {@code 127.0.0.1:targetPort}, in PASS mode. */
  public static FaultProxy start(String name, int targetPort) {
    return start(name, InetAddress.getLoopbackAddress(), targetPort);
  }

  /**
   * Starts a proxy listening on a free port of {@code host} (an address of this host) to {@code
   * host:targetPort}, in PASS mode.
   */
  public static FaultProxy start(String name, InetAddress host, int targetPort) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, 0), 64);
      FaultProxy p = new FaultProxy(name, host, targetPort, s);
      Thread t = new Thread(p::acceptLoop, "proxy-" + name + "-accept");
      t.setDaemon(true);
      t.start();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the proxy " + name, e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  public String name() {
    return name;
  }

  public Mode mode() {
    return mode;
  }

  /** Switches the mode; RESET also resets every open connection at once. */
  public void mode(Mode m) {
    this.mode = m;
    if (m == Mode.RESET) {
      open.forEach(FaultProxy::reset);
    }
  }

  public void latency(long millis) {
    this.latencyMillis = millis;
  }

  /** Connections open now (both sides counted once). */
  public int openConnections() {
    return open.size() / 2;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (mode == Mode.RESET) {
        reset(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(host, targetPort), 2000);
      } catch (IOException e) {
        reset(client);
        closeQuietly(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      pump(client, upstream, "up");
      pump(upstream, client, "down");
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[CHUNK];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  if (!delay()) {
                    break;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // The other side went away or was reset: close both.
              } finally {
                open.remove(from);
                open.remove(to);
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-" + name + "-" + direction);
    t.setDaemon(true);
    t.start();
  }

  /** Applies the mode to one chunk; false when the connection must end (reset or closed). */
  private boolean delay() {
    try {
      while (!closed) {
        Mode m = mode;
        switch (m) {
          case PASS:
            return true;
          case LATENCY:
            TimeUnit.MILLISECONDS.sleep(latencyMillis);
            return true;
          case DROP:
            if (ThreadLocalRandom.current().nextInt(3) == 0) {
              TimeUnit.MILLISECONDS.sleep(RETRANSMIT_MILLIS);
            }
            return true;
          case BLACKHOLE:
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            break; // hold it until the mode changes
          case RESET:
            return false;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close() sends RST
    } catch (IOException e) {
      // Already closed.
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Nothing to do.
    }
    open.forEach(FaultProxy::closeQuietly);
  }

  @Override
  public String toString() {
    return "proxy " + name + " 127.0.0.1:" + port() + " -> " + targetPort + " (" + mode + ")";
  }
}
