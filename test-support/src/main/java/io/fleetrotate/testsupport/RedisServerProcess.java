package io.fleetrotate.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A redis-server from PATH with options the shared fixture does not give (a password, TLS, cluster
 * mode), on a free loopback port, for one test class.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final Path log;
  public final int port;

  private RedisServerProcess(Process process, Path dir, Path log, int port) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code redis-server --port <free> ... extra} and waits until it is ready. */
  public static RedisServerProcess start(String... extra) throws IOException {
    return start(freePort(), extra);
  }

  public static RedisServerProcess start(int port, String... extra) throws IOException {
    Path dir = Files.createTempDirectory("fleetrotate-redis-test-");
    Path log = dir.resolve("redis.log");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "redis-server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString()));
    cmd.addAll(List.of(extra));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RedisServerProcess server = new RedisServerProcess(p, dir, log, port);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !p.isAlive() || server.log().contains("Ready to accept connections"));
      if (!p.isAlive()) {
        throw new IllegalStateException("redis-server " + cmd + " exited:\n" + server.log());
      }
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Starts a Sentinel on a free port that monitors the master on {@code masterPort} as {@code
   * master}, and waits until it does.
   */
  public static RedisServerProcess startSentinel(String master, int masterPort) throws IOException {
    int port = freePort();
    Path dir = Files.createTempDirectory("fleetrotate-sentinel-test-");
    Path conf =
        Files.writeString(
            dir.resolve("sentinel.conf"),
            "port "
                + port
                + "\nbind 127.0.0.1\ndir "
                + dir
                + "\nsentinel monitor "
                + master
                + " 127.0.0.1 "
                + masterPort
                + " 1\nsentinel down-after-milliseconds "
                + master
                + " 1000\n");
    Path log = dir.resolve("redis.log");
    Process p =
        new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RedisServerProcess sentinel = new RedisServerProcess(p, dir, log, port);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !p.isAlive() || sentinel.log().contains("+monitor master " + master));
      if (!p.isAlive()) {
        throw new IllegalStateException("redis-server --sentinel exited:\n" + sentinel.log());
      }
    } catch (RuntimeException e) {
      sentinel.close();
      throw e;
    }
    return sentinel;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temp directory is harmless.
    }
  }
}
