package io.fleetrotate.coordinator.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends bytes no well-behaved HTTP client would (malformed percent-encoding, broken chunks, half
 * requests) over a plain socket to a coordinator on loopback, and reads what comes back.
 */
final class RawHttp {
  private RawHttp() {}

  static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends {@code request} with Connection: close semantics and reads the whole answer. */
  static Answer exchange(int port, byte[] request) {
    try (Socket socket = connect(port)) {
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return Answer.parse(readToEnd(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Answer get(int port, String target, String token) {
    String request =
        "GET "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "\r\n";
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads until the server closes; stops early (with what it has) on the socket timeout. */
  static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // What arrived is the answer.
    }
    return out.toByteArray();
  }

  /** The first response on a connection: status, headers (lower-cased names), body. */
  record Answer(int status, String head, String body) {
    static Answer parse(byte[] raw) {
      String text = new String(raw, StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || end < 0) {
        return new Answer(-1, text, "");
      }
      int status = Integer.parseInt(text.substring(9, 12));
      return new Answer(status, text.substring(0, end), text.substring(end + 4));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }
}
