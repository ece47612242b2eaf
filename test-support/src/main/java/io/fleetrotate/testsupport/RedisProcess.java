package io.fleetrotate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A redis-server child process on a loopback port, from PATH or from the embedded-redis jar. */
final class RedisProcess implements ManagedRedis {
  private static final String HOST = "127.0.0.1";
  private static final int PORT_ATTEMPTS = 5;
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
  private static final String READY_LINE = "Ready to accept connections";
  private static final String PORT_TAKEN_LINE = "Address already in use";

  /** Servers still to be killed when the JVM exits normally. */
  private static final Set<RedisProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> List.copyOf(LIVE).forEach(RedisProcess::stop), "fleetrotate-redis"));
  }

  private final Path binary;
  private final Source source;
  private final int port;
  private final Path dir;
  private final Path log;

  // Guarded by this.
  private Process server;
  private Process watchdog;
  private boolean paused;
  private boolean stopped;

  private RedisProcess(Path binary, Source source, int port, Path dir) {
    this.binary = binary;
    this.source = source;
    this.port = port;
    this.dir = dir;
    this.log = dir.resolve("redis.log");
  }

  /**
   * Starts redis-server on a free loopback port and returns once it answers PING.
   *
   * @throws IllegalStateException if it does not start; the message carries the end of its log
   */
  static RedisProcess start(Path binary, Source source) {
    Path dir;
    try {
      dir = Files.createTempDirectory("fleetrotate-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a working directory for redis-server", e);
    }
    for (int attempt = 1; ; attempt++) {
      RedisProcess redis = new RedisProcess(binary, source, freeLoopbackPort(), dir);
      try {
        redis.launch();
        return redis;
      } catch (PortTakenException e) {
        // Another process bound the port between our probe and redis-server's bind; try another.
        if (attempt == PORT_ATTEMPTS) {
          redis.stop();
          throw new IllegalStateException(
              "redis-server found its port taken " + PORT_ATTEMPTS + " times in a row", e);
        }
      } catch (RuntimeException e) {
        redis.stop();
        throw e;
      }
    }
  }

  @Override
  public String host() {
    return HOST;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Source source() {
    return source;
  }

  @Override
  public synchronized OptionalLong pid() {
    return isRunning() ? OptionalLong.of(server.pid()) : OptionalLong.empty();
  }

  @Override
  public synchronized void kill() {
    if (server == null) {
      return;
    }
    server.destroyForcibly(); // SIGKILL, which also ends a stopped (paused) process
    awaitExit(server);
    server = null;
    paused = false;
    // The server is gone, so the watchdog must go before its pipe closes and it kills a pid
    // that may by then belong to someone else.
    if (watchdog != null) {
      watchdog.destroyForcibly();
      awaitExit(watchdog);
      closeQuietly(watchdog);
      watchdog = null;
    }
    LIVE.remove(this);
  }

  @Override
  public synchronized void pause() {
    if (!isRunning()) {
      throw new IllegalStateException(
          "Cannot pause Redis on port " + port + ": it is not running.");
    }
    if (paused) {
      return;
    }
    signal("STOP");
    paused = true;
    awaitProcessState(true);
  }

  @Override
  public synchronized void resume() {
    if (!paused) {
      return;
    }
    signal("CONT");
    paused = false;
    awaitProcessState(false);
  }

  @Override
  public synchronized void restart() {
    requireRestartable();
    kill();
    try {
      launch();
    } catch (PortTakenException e) {
      throw new IllegalStateException(
          "Redis cannot restart on port "
              + port
              + " because another process took the port while it was down; free the port, or"
              + " do not leave the server down long enough for others to grab it.",
          e);
    }
  }

  @Override
  public synchronized void stop() {
    kill();
    if (!stopped) {
      stopped = true;
      deleteRecursively(dir);
    }
  }

  @Override
  public synchronized boolean isStopped() {
    return stopped;
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null && server.isAlive();
  }

  @Override
  public synchronized boolean isPaused() {
    return paused && isRunning();
  }

  @Override
  public String toString() {
    return "RealRedis[" + source + " " + binary + " on " + HOST + ":" + port + "]";
  }

  private synchronized void launch() {
    ProcessBuilder builder =
        new ProcessBuilder(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
                "--daemonize",
                "no",
                "--dir",
                dir.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            // A fresh log per launch, so that the readiness check only sees this process's lines.
            .redirectOutput(Redirect.to(log.toFile()));
    try {
      server = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + binary + ": " + e.getMessage(), e);
    }
    closeQuietly(server);
    LIVE.add(this);
    watchdog = startWatchdog(server.pid());
    Process launched = server;
    try {
      // A PONG alone could come from a stranger that holds the port, so our own log must agree.
      Polling.until(
          RespPing.READY_TIMEOUT, () -> !launched.isAlive() || logText().contains(READY_LINE));
      RespPing.awaitPong(HOST, port, launched::isAlive, this::logTail);
      if (!launched.isAlive() || !logText().contains(READY_LINE)) {
        throw new IllegalStateException(
            "Something answered PING on "
                + HOST
                + ":"
                + port
                + " but "
                + binary
                + " did not log '"
                + READY_LINE
                + "', so another process may hold the port. "
                + logTail());
      }
    } catch (IllegalStateException e) {
      kill();
      if (logText().contains(PORT_TAKEN_LINE)) {
        throw new PortTakenException(e);
      }
      throw e;
    }
  }

  /**
   * A second child that kills the server when this JVM dies without running shutdown hooks (e.g.
   * SIGKILL from a Surefire fork timeout): its stdin is a pipe from this JVM, which the kernel
   * closes when the JVM dies, and then it kills the server.
   */
  private static Process startWatchdog(long serverPid) {
    Path shell = Path.of("/bin/sh");
    if (!Files.isExecutable(shell)) {
      return null; // not a Unix; the shutdown hook is all we have
    }
    try {
      return new ProcessBuilder(
              shell.toString(),
              "-c",
              "read -r ignored; kill -9 \"$1\" 2>/dev/null",
              "fleetrotate-redis-watchdog",
              Long.toString(serverPid))
          .redirectOutput(Redirect.DISCARD)
          .redirectError(Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      return null; // the shutdown hook still covers a normal JVM exit
    }
  }

  private void signal(String name) {
    signal(server.pid(), name);
  }

  /**
   * Sends SIG{@code name} to {@code pid}: Java cannot send SIGSTOP or SIGCONT itself, so the
   * shell's kill does it.
   */
  static void signal(long pid, String name) {
    try {
      Process kill =
          new ProcessBuilder(
                  "/bin/sh", "-c", "kill -" + name + " \"$1\"", "kill", Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      closeQuietly(kill);
      byte[] output = kill.getInputStream().readAllBytes();
      if (!kill.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            "kill -"
                + name
                + " "
                + pid
                + " failed: "
                + new String(output, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run kill -" + name + " " + pid + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending SIG" + name + " to " + pid, e);
    }
  }

  /**
   * Waits until the kernel reports the process stopped (or running again), so that pause() and
   * resume() have taken effect when they return. Only Linux has /proc; elsewhere kill's exit code
   * has to do.
   */
  private void awaitProcessState(boolean stoppedBySignal) {
    Path stat = Path.of("/proc", Long.toString(server.pid()), "stat");
    if (!Files.isReadable(stat)) {
      return;
    }
    boolean reached = Polling.until(EXIT_TIMEOUT, () -> isStoppedBySignal(stat) == stoppedBySignal);
    if (!reached) {
      throw new IllegalStateException(
          "redis-server "
              + server.pid()
              + (stoppedBySignal
                  ? " did not stop after SIGSTOP"
                  : " did not continue after SIGCONT"));
    }
  }

  private static boolean isStoppedBySignal(Path stat) {
    try {
      String text = Files.readString(stat);
      // The state letter follows the command name, which is in parentheses and may hold spaces.
      char state = text.charAt(text.lastIndexOf(')') + 2);
      return state == 'T';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void awaitExit(Process process) {
    try {
      if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "Process " + process.pid() + " did not exit within " + EXIT_TIMEOUT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + process.pid(), e);
    }
  }

  static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
    }
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private String logTail() {
    List<String> lines = logText().lines().toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
    return "Last lines of " + log + ":\n" + String.join("\n", tail);
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // Only our end of its stdin; nothing to recover.
    }
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // A leftover temp directory is harmless.
    }
  }

  /** redis-server could not bind its port. */
  private static final class PortTakenException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortTakenException(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }
}
