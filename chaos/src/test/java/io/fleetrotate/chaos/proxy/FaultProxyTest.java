package io.fleetrotate.chaos.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a loopback echo server, in each mode. */
class FaultProxyTest {
  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread c =
                      new Thread(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException e) {
                              // The client went away.
                            }
                          });
                  c.setDaemon(true);
                  c.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    proxy = FaultProxy.start("echo", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(3000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] buf = in.readNBytes(text.length());
    return new String(buf, StandardCharsets.UTF_8);
  }

  @Test
  void passForwardsBothWays() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "ping")).isEqualTo("ping");
    }
  }

  @Test
  void latencyDelaysEachChunk() throws IOException {
    proxy.latency(300);
    proxy.mode(FaultProxy.Mode.LATENCY);
    try (Socket s = connect()) {
      long t0 = System.nanoTime();
      assertThat(roundTrip(s, "ping")).isEqualTo("ping");
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(550);
    }
  }

  @Test
  void aBlackHoleForwardsNothingUntilItHeals() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "a")).isEqualTo("a");
      proxy.mode(FaultProxy.Mode.BLACKHOLE);
      s.setSoTimeout(500);
      assertThatThrownBy(() -> roundTrip(s, "b")).isInstanceOf(SocketTimeoutException.class);
      proxy.mode(FaultProxy.Mode.PASS);
      s.setSoTimeout(3000);
      assertThat(new String(s.getInputStream().readNBytes(1), StandardCharsets.UTF_8))
          .isEqualTo("b");
    }
  }

  @Test
  void resetCutsOpenAndNewConnections() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "a")).isEqualTo("a");
      proxy.mode(FaultProxy.Mode.RESET);
      assertThatThrownBy(
              () -> {
                String back = roundTrip(s, "b");
                if (back.length() < 1) {
                  throw new IOException("end of stream");
                }
              })
          .isInstanceOf(IOException.class);
    }
    try (Socket s = connect()) {
      assertThatThrownBy(
              () -> {
                String back = roundTrip(s, "c");
                if (back.length() < 1) {
                  throw new IOException("end of stream");
                }
              })
          .isInstanceOf(IOException.class);
    }
  }
}
