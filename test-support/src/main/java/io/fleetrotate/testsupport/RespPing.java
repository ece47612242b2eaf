package io.fleetrotate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Asks a Redis server whether it is ready, speaking just enough RESP to send PING, so that the main
 * code needs no Redis client library.
 */
final class RespPing {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  private static final int SOCKET_TIMEOUT_MILLIS = 500;

  private RespPing() {}

  /** One attempt: the server's first reply line, or an empty string if it could not be reached. */
  static String ping(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return readLine(socket.getInputStream());
    } catch (IOException unreachable) {
      return "";
    }
  }

  /**
   * Polls until the server answers {@code +PONG}.
   *
   * @param stillStarting false once waiting is pointless (e.g. the process has exited)
   * @param diagnostics what to add to the failure message, e.g. the end of the server log
   * @throws IllegalStateException if the server is not ready before {@link #READY_TIMEOUT}
   */
  static void awaitPong(
      String host, int port, BooleanSupplier stillStarting, Supplier<String> diagnostics) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    String lastReply = "";
    while (Instant.now().isBefore(deadline)) {
      lastReply = ping(host, port);
      if (lastReply.equals("+PONG")) {
        return;
      }
      if (!stillStarting.getAsBoolean()) {
        throw new IllegalStateException(
            "Redis on " + host + ":" + port + " exited while starting. " + diagnostics.get());
      }
      Polling.nap(Duration.ofMillis(25));
    }
    throw new IllegalStateException(
        "Redis on "
            + host
            + ":"
            + port
            + " did not answer PING within "
            + READY_TIMEOUT.toSeconds()
            + " s (last reply: '"
            + lastReply
            + "'). "
            + diagnostics.get());
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n' && line.length() < 512) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
