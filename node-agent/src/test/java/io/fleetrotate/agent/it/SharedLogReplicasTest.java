package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.proto.Result;
import io.fleetrotate.testsupport.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two replicas' agents share one log volume and one rotation group; a real writer (seq-writer.py,
 * reopening on SIGHUP) appends to the log. Both agents check at the same time and both find the log
 * over maxSize: the log is rotated once, the agent granted the lease second skips it, and no line
 * is lost.
 */
class SharedLogReplicasTest {

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  /**
   * The writer writes about 1.1 MB in 8 s. Both agents check once the log passed maxSize (after
   * about 4.5 s); what it writes after the rotation (under 0.5 MB) cannot reach maxSize again.
   */
  private static final long MAX_SIZE = 640 * 1024;

  private static final int LINES_PER_SECOND = 1000;
  private static final double WRITER_SECONDS = 8;

  @TempDir Path dir;

  private Path config(String name, String backend, Path log, Path pidFile) throws Exception {
    String lock =
        backend.equals("redis")
            ? "{ backend: redis, redis: { uri: \"" + redis.server().uri() + "\" }, lease: 30s }"
            : "{ backend: local }";
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        """
        node: { id: replica-%s, group: g }
        stateDir: %s
        http: { enabled: false }
        lock: %s
        files:
          - path: %s
            trigger: { maxSize: %d }
            retention: { keep: 100 }
            compress: { codec: zstd, level: 3 }
            reopen: { method: signal, signal: HUP, pidFile: %s }
        """
            .formatted(name, dir.resolve(name + "-state"), lock, log, MAX_SIZE, pidFile));
  }

  @ParameterizedTest(name = "lock backend {0}")
  @ValueSource(strings = {"local", "redis"})
  void twoAgentsFindingASharedLogDueTogetherRotateItOnceAndLoseNoLine(String backend)
      throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path log = logs.resolve("server.log");
    Path pidFile = dir.resolve("writer.pid");
    Path writerOut = dir.resolve("writer.out");
    AgentConfig configA = ConfigLoader.load(config("a", backend, log, pidFile), Map.of());
    AgentConfig configB = ConfigLoader.load(config("b", backend, log, pidFile), Map.of());

    Process writer = SharedTools.startWriter(log, LINES_PER_SECOND, WRITER_SECONDS, writerOut);
    List<RotationOutcome> outcomes = new ArrayList<>();
    ExecutorService checks = Executors.newFixedThreadPool(2);
    try (FleetLock lockA = open(backend, configA);
        FleetLock lockB = open(backend, configB)) {
      Files.writeString(pidFile, Long.toString(writer.pid()));
      CyclicBarrier bothDecided = new CyclicBarrier(2);
      Agent a = agent(configA, afterBothDecided(lockA, bothDecided));
      Agent b = agent(configB, afterBothDecided(lockB, bothDecided));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> Files.exists(log) && Files.size(log) >= MAX_SIZE);

      Future<List<RotationOutcome>> byA = checks.submit(a::checkOnce);
      Future<List<RotationOutcome>> byB = checks.submit(b::checkOnce);
      outcomes.addAll(byA.get(60, TimeUnit.SECONDS));
      outcomes.addAll(byB.get(60, TimeUnit.SECONDS));

      assertThat(outcomes)
          .as("%s", outcomes)
          .extracting(RotationOutcome::result)
          .containsExactlyInAnyOrder(Result.SUCCESS, Result.SKIPPED);
      RotationOutcome skipped =
          outcomes.stream().filter(o -> o.result() == Result.SKIPPED).findFirst().orElseThrow();
      assertThat(skipped.message())
          .contains(" rotated " + log + " at ")
          .contains("while this agent waited for the lease")
          .endsWith("it is not due any more");

      long last = SharedTools.awaitWriter(writer, writerOut);
      assertThat(a.checkOnce()).as("A's next check").isEmpty();
      assertThat(b.checkOnce()).as("B's next check").isEmpty();
      List<Path> files = SharedTools.logAndBackups(log);
      assertThat(files).as("the log and one backup").hasSize(2);
      assertThat(SharedTools.countLost(last, files))
          .as("missing, duplicated across " + files)
          .containsExactly(0, 0);
    } finally {
      checks.shutdownNow();
      writer.destroy();
      writer.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static FleetLock open(String backend, AgentConfig c) throws Exception {
    // The local backend's lock directory is shared by the replicas, not per agent state.
    return backend.equals("local")
        ? new LocalFleetLock(c.stateDir().resolveSibling("locks"), 1)
        : c.lock().open(c.stateDir());
  }

  private static Agent agent(AgentConfig c, FleetLock lock) throws Exception {
    return new Agent(c, lock, Clock.systemUTC(), new AgentMetrics(), RotationListener.NONE);
  }

  /** Holds each agent's first request for a lease until both agents have found the log due. */
  private static FleetLock afterBothDecided(FleetLock lock, CyclicBarrier bothDecided) {
    AtomicBoolean first = new AtomicBoolean(true);
    return new FleetLock() {
      @Override
      public Lease acquire(String group, double priority, Duration timeout)
          throws LockUnavailableException, LockTimeoutException, InterruptedException {
        if (first.getAndSet(false)) {
          try {
            bothDecided.await(60, TimeUnit.SECONDS);
          } catch (BrokenBarrierException | TimeoutException e) {
            throw new LockTimeoutException("the other agent never asked for its lease");
          }
        }
        return lock.acquire(group, priority, timeout);
      }

      @Override
      public void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {
        lock.raiseFencingToken(group, atLeast);
      }

      @Override
      public String backendName() {
        return lock.backendName();
      }

      @Override
      public void close() {
        lock.close();
      }
    };
  }
}
