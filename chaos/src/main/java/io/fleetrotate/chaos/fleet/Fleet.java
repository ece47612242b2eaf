package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A fleet of real processes on loopback: coordinators, agents each with its simulated MCP server,
 * and optionally a redis-server. Each has its own directory under the run directory, with its
 * generated configuration and a log of its output; ports are chosen free at runtime.
 *
 * <p>The fleet knows every pid it started. {@link #close()} stops all of them (agents first, then
 * the MCP servers, coordinators and Redis; SIGCONT, SIGTERM, SIGKILL after a grace period), and so
 * does a JVM shutdown hook, so that an interrupted test or a Ctrl-C leaves nothing running.
 */
public final class Fleet implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path runDir;
  private final FleetJars jars;
  private final FleetTokens tokens;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final Set<Long> pids = new LinkedHashSet<>();
  private final Map<String, Long> current = new LinkedHashMap<>();
  private final Thread shutdownHook;
  private boolean closed;

  private Fleet(Path runDir, FleetJars jars, FleetTokens tokens) {
    this.runDir = runDir;
    this.jars = jars;
    this.tokens = tokens;
    this.shutdownHook = new Thread(this::stopAll, "fleet-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** An empty fleet writing under {@code runDir} (created if needed), with random tokens. */
  public static Fleet open(Path runDir, FleetJars jars) {
    try {
      Files.createDirectories(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run directory " + runDir, e);
    }
    return new Fleet(runDir.toAbsolutePath().normalize(), jars, FleetTokens.random());
  }

  public Path runDir() {
    return runDir;
  }

  public FleetTokens tokens() {
    return tokens;
  }

  /** Adds a coordinator (ports chosen now, so peers can list each other); not started yet. */
  public synchronized CoordinatorNode addCoordinator(String name, boolean hazelcast) {
    return addCoordinator(name, hazelcast, "127.0.0.1");
  }

  /**
   * Adds a coordinator whose HTTP API listens on {@code bind} instead of loopback (an address of
   * this host the agents can reach); not started yet.
   */
  public synchronized CoordinatorNode addCoordinator(String name, boolean hazelcast, String bind) {
    checkOpen();
    return new CoordinatorNode(name, hazelcast, bind, this);
  }

  /** Adds an agent and its MCP server; not started yet. */
  public synchronized AgentNode addAgent(AgentSpec spec) {
    checkOpen();
    return new AgentNode(spec, runDir.resolve(spec.nodeId()), tokens, jars, this);
  }

  /**
   * Starts a redis-server from {@code PATH} and waits for its PONG.
   *
   * @throws IllegalStateException when there is no redis-server on PATH
   */
  public synchronized RedisNode startRedis() {
    return startRedis(List.of());
  }

  /**
   * Starts a redis-server listening on loopback and on {@code alsoBind} (addresses of this host the
   * agents can reach), and waits for its PONG.
   *
   * @throws IllegalStateException when there is no redis-server on PATH
   */
  public synchronized RedisNode startRedis(List<String> alsoBind) {
    checkOpen();
    Path binary =
        RedisNode.findBinary()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "redis-server is not on PATH; install it (e.g. apt-get install"
                            + " redis-server) or run without Redis."));
    Path dir = runDir.resolve("redis");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisNode redis = new RedisNode(binary, dir, alsoBind, this);
    redis.process().start();
    return redis.awaitReady(Duration.ofSeconds(30));
  }

  /** Every process of the fleet, running or not. */
  public synchronized List<ManagedProcess> processes() {
    return List.copyOf(processes);
  }

  /** Every pid this fleet ever started, in order. */
  public synchronized Set<Long> pids() {
    return Set.copyOf(pids);
  }

  /** Pids this fleet started that are still alive (should be empty after close). */
  public synchronized List<Long> livePids() {
    return pids.stream()
        .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .toList();
  }

  synchronized ManagedProcess register(ManagedProcess p) {
    checkOpen();
    processes.add(p);
    return p;
  }

  /** Notes a new pid, and writes the current ones to {@code pids.txt} for a manual clean-up. */
  synchronized void recordPid(String name, long pid) {
    pids.add(pid);
    current.put(name, pid);
    try {
      Files.writeString(
          runDir.resolve("pids.txt"),
          current.entrySet().stream()
                  .map(e -> e.getValue() + " " + e.getKey())
                  .collect(Collectors.joining("\n"))
              + "\n");
    } catch (IOException e) {
      // Only a convenience for people; the fleet itself keeps its pids in memory.
    }
  }

  /** Stops every process and waits for each to be gone. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or ran.
    }
  }

  private void stopAll() {
    List<ManagedProcess> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(processes);
    }
    for (ManagedProcess.Role role : ManagedProcess.Role.values()) {
      List<ManagedProcess> group = all.stream().filter(p -> p.role() == role).toList();
      group.forEach(ManagedProcess::beginStop);
      group.forEach(p -> p.finishStop(STOP_GRACE));
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the fleet is closed");
    }
  }

  public FleetJars jars() {
    return jars;
  }
}
