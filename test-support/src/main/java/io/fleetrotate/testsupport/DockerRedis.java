package io.fleetrotate.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@code redis:7} container. Its host port is chosen up front and bound explicitly, because a
 * port Docker picks itself is not kept when the container is started again after a kill.
 */
final class DockerRedis implements ManagedRedis {
  private static final DockerImageName IMAGE = DockerImageName.parse("redis:7");
  private static final int REDIS_PORT = 6379;
  private static final Duration STATE_TIMEOUT = Duration.ofSeconds(30);

  private final GenericContainer<?> container;
  private final String host;
  private final int port;

  // Guarded by this.
  private boolean paused;
  private boolean stopped;

  private DockerRedis(GenericContainer<?> container, int port) {
    this.container = container;
    this.host = container.getHost();
    this.port = port;
  }

  /**
   * Starts the container and returns once Redis answers PING on the chosen host port.
   *
   * @throws RedisUnavailableException if the container does not start
   */
  static DockerRedis start() {
    int port = freeLocalPort();
    GenericContainer<?> container =
        new GenericContainer<>(IMAGE)
            .withCommand("redis-server", "--save", "", "--appendonly", "no")
            .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1))
            // Long enough for a first pull of the image.
            .withStartupTimeout(Duration.ofMinutes(3));
    container.setPortBindings(List.of(port + ":" + REDIS_PORT));
    try {
      container.start();
      DockerRedis redis = new DockerRedis(container, port);
      redis.awaitPong();
      return redis;
    } catch (RuntimeException e) {
      container.stop();
      throw new RedisUnavailableException(
          "Docker is reachable but a "
              + IMAGE
              + " container did not start on host port "
              + port
              + " ("
              + e.getMessage()
              + "); fix Docker, or set FLEETROTATE_TEST_REDIS=path (after `apt-get install"
              + " redis-server`) or FLEETROTATE_TEST_REDIS=embedded to use a local redis-server.");
    }
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Source source() {
    return Source.DOCKER;
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }

  @Override
  public synchronized void kill() {
    if (stopped || !isRunning()) {
      return;
    }
    if (paused) {
      resume(); // Docker refuses to kill a paused container
    }
    docker().killContainerCmd(id()).withSignal("KILL").exec();
    awaitState(false, "stop after SIGKILL");
  }

  @Override
  public synchronized void pause() {
    if (!isRunning()) {
      throw new IllegalStateException(
          "Cannot pause Redis on port " + port + ": it is not running.");
    }
    if (!paused) {
      docker().pauseContainerCmd(id()).exec();
      paused = true;
    }
  }

  @Override
  public synchronized void resume() {
    if (paused) {
      docker().unpauseContainerCmd(id()).exec();
      paused = false;
    }
  }

  @Override
  public synchronized void restart() {
    requireRestartable();
    kill();
    // The port binding is part of the container, so it comes back on the same host port.
    docker().startContainerCmd(id()).exec();
    awaitState(true, "start again");
    awaitPong();
  }

  @Override
  public synchronized void stop() {
    if (!stopped) {
      stopped = true;
      paused = false;
      container.stop(); // also removes the container
    }
  }

  @Override
  public synchronized boolean isStopped() {
    return stopped;
  }

  @Override
  public synchronized boolean isRunning() {
    return !stopped && Boolean.TRUE.equals(state().getRunning());
  }

  @Override
  public synchronized boolean isPaused() {
    return paused && isRunning();
  }

  @Override
  public String toString() {
    return "RealRedis[DOCKER " + IMAGE + " on " + host + ":" + port + "]";
  }

  private void awaitPong() {
    RespPing.awaitPong(
        host,
        port,
        () -> Boolean.TRUE.equals(state().getRunning()),
        () -> "Container logs:\n" + container.getLogs());
  }

  private void awaitState(boolean running, String what) {
    if (!Polling.until(STATE_TIMEOUT, () -> Boolean.TRUE.equals(state().getRunning()) == running)) {
      throw new IllegalStateException(
          "Redis container "
              + id()
              + " did not "
              + what
              + " within "
              + STATE_TIMEOUT.toSeconds()
              + " s");
    }
  }

  private ContainerState state() {
    return docker().inspectContainerCmd(id()).exec().getState();
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }

  private String id() {
    return container.getContainerId();
  }

  private static int freeLocalPort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free local port for the Redis container", e);
    }
  }
}
