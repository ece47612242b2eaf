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

  /** Starts {@code command} in {@code dir}, its output in {@code dir/redis.log}. */
  private RedisServerProcess(List<String> command, Path dir, int port) throws IOException {
    this.dir = dir;
    this.log = dir.resolve("redis.log");
    this.port = port;
    this.process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
  }

  /** Starts {@code redis-server --port <free> ... extra} and waits until it is ready. */
  public static RedisServerProcess start(String... extra) throws IOException {
    return start(freePort(), extra);
  }

  public static RedisServerProcess start(int port, String... extra) throws IOException {
    Path dir = Files.createTempDirectory("fleetrotate-redis-test-");
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
    return launch(cmd, dir, port, "Ready to accept connections");
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
    return launch(
        List.of("redis-server", conf.toString(), "--sentinel"),
        dir,
        port,
        "+monitor master " + master);
  }

  /**
   * Starts {@code command} and waits until its log holds {@code readyLine}; stops it and fails with
   * its log when it exits first or is not ready in 20 s.
   */
  private static RedisServerProcess launch(
      List<String> command, Path dir, int port, String readyLine) throws IOException {
    RedisServerProcess server = new RedisServerProcess(command, dir, port);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !server.process.isAlive() || server.log().contains(readyLine));
      if (!server.process.isAlive()) {
        throw new IllegalStateException(String.join(" ", command) + " exited:\n" + server.log());
      }
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered until resumed. */
  public void pause() {
    RedisProcess.signal(process.pid(), "STOP");
  }

  /** Lets a paused server run again (SIGCONT). */
  public void resume() {
    RedisProcess.signal(process.pid(), "CONT");
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
