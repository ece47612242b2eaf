package io.fleetrotate.testsupport;

import java.util.OptionalLong;

/**
 * A real Redis server owned by a test, which the test may crash, freeze and bring back.
 *
 * <p>Every method that changes the server's state returns only once the change has happened: after
 * {@link #kill()} the port refuses connections, after {@link #restart()} the server answers PING.
 * The server keeps no data on disk, so a restart starts empty.
 */
public interface RealRedis {

  /** Where the server came from; for diagnostics and for tests that need a particular kind. */
  enum Source {
    /** A {@code redis:7} container started through Testcontainers. */
    DOCKER,
    /**
     * A {@code redis-server} child process, the binary found on PATH or in a standard directory.
     */
    PATH,
    /** A {@code redis-server} child process, the binary shipped inside the embedded-redis jar. */
    EMBEDDED
  }

  /** The address to connect to, e.g. {@code 127.0.0.1}. */
  String host();

  /** The TCP port; it stays the same across {@link #kill()} and {@link #restart()}. */
  int port();

  /** A Redis URI for clients such as Lettuce, e.g. {@code redis://127.0.0.1:6390}. */
  default String uri() {
    return "redis://" + host() + ":" + port();
  }

  Source source();

  /**
   * The operating-system process id of a child-process server; empty for {@link Source#DOCKER}, and
   * for a server that is not running.
   */
  OptionalLong pid();

  /**
   * Crashes the server with SIGKILL and waits until it is gone, so that new connections are
   * refused. Does nothing if it is not running.
   */
  void kill();

  /**
   * Freezes the server (SIGSTOP, or a Docker pause): connections stay open but nothing is answered
   * until {@link #resume()}.
   *
   * @throws IllegalStateException if the server is not running
   */
  void pause();

  /** Lets a paused server run again (SIGCONT, or a Docker unpause). Does nothing if not paused. */
  void resume();

  /**
   * Starts the server again on the same host and port and waits until it answers PING; a server
   * that is still running is killed first. The new server is empty.
   *
   * @throws IllegalStateException if the server was {@linkplain #stop() stopped}, or if it does not
   *     come back (the message then carries the end of its log)
   */
  void restart();

  /**
   * Stops the server for good and removes its files. Idempotent; after this only {@link #port()},
   * {@link #host()}, {@link #uri()} and {@link #source()} may still be called.
   */
  void stop();

  /** Whether the server process exists; a paused server is running, a killed one is not. */
  boolean isRunning();

  /** Whether the server is paused by {@link #pause()}. */
  boolean isPaused();
}
