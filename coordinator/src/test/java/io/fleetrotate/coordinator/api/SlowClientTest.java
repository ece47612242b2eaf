package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Http;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Half-sent requests cannot hold a connection: with http.requestTimeout 1s and idleTimeout 2s, a
 * client that never finishes its head or body is cut off within a bounded time, even one that
 * trickles a byte now and then so the idle timeout never fires.
 */
class SlowClientTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final Duration BOUND = Duration.ofSeconds(6);

  @TempDir Path dir;
  Coordinator coordinator;
  ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start() throws Exception {
    CoordinatorConfig c = TestCoordinators.config(dir);
    Http h = c.http();
    CoordinatorConfig fast =
        new CoordinatorConfig(
            c.source(),
            new Http(
                h.bind(),
                h.port(),
                h.maxBodyBytes(),
                h.tls(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1)),
            c.auth(),
            c.hazelcast(),
            c.store(),
            c.liveness(),
            c.alerts(),
            c.rateLimit(),
            CoordinatorConfig.Limits.DEFAULTS);
    coordinator = Coordinator.start(fast, new MutableClock(T0));
  }

  @AfterEach
  void stop() {
    trickler.shutdownNow();
    coordinator.close();
  }

  /** Reads until the server closes; the socket's read timeout (BOUND) fails the wait. */
  private static byte[] awaitClose(Socket socket) throws IOException {
    socket.setSoTimeout((int) BOUND.toMillis());
    InputStream in = socket.getInputStream();
    long start = System.nanoTime();
    byte[] all = in.readAllBytes();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    return all;
  }

  private void trickle(OutputStream out) {
    trickler.scheduleAtFixedRate(
        () -> {
          try {
            out.write('a');
            out.flush();
          } catch (IOException closed) {
            throw new IllegalStateException(closed); // stops the schedule
          }
        },
        200,
        300,
        TimeUnit.MILLISECONDS);
  }

  @Test
  void headTrickledAByteAtATimeIsCutOff() throws Exception {
    try (Socket socket = RawHttp.connect(coordinator.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      trickle(out);

      awaitClose(socket);
    }
  }

  @Test
  void connectionThatNeverSendsARequestIsClosed() throws Exception {
    try (Socket socket = RawHttp.connect(coordinator.port())) {
      assertThat(awaitClose(socket)).isEmpty();
    }
  }

  @Test
  void halfSentBodyIsAnswered408AndTheConnectionClosed() throws Exception {
    try (Socket socket = RawHttp.connect(coordinator.port())) {
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + AGENT
              + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      trickle(out);

      RawHttp.Answer answer = RawHttp.Answer.parse(awaitClose(socket));

      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.body()).contains("http.requestTimeout");
    }
    assertThat(coordinator.history().size()).isZero();
  }
}
