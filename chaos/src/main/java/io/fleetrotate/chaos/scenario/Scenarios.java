package io.fleetrotate.chaos.scenario;

import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.chaos.agent.ChaosAgentMain;
import io.fleetrotate.chaos.agent.PausingStepListener;
import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** The catalogue of fault scenarios, by name. */
public final class Scenarios {
  private Scenarios() {}

  /** Journal steps of a rotation; COPIED only with copy methods (collapse, copytruncate). */
  static final List<RotationStep> STEPS = List.of(RotationStep.values());

  /** Every scenario, in the order the quick profile runs them. */
  public static Map<String, Scenario> all() {
    Map<String, Scenario> m = new LinkedHashMap<>();
    for (Scenario s :
        List.of(
            new AgentKillAtStep(),
            new ZombieHolder(),
            new SharedLogZombie(),
            new RedisKillRestart(),
            new RedisPause(),
            new CoordinatorKillRestart(),
            new HazelcastMemberKill(),
            new NetworkFaults(),
            new DiskFull(),
            new ClockJump(),
            new NetnsPartition())) {
      m.put(s.name(), s);
    }
    return m;
  }

  static Duration between(Random r, int minMillis, int maxMillis) {
    return Duration.ofMillis(minMillis + r.nextInt(Math.max(1, maxMillis - minMillis)));
  }

  static boolean before(Instant until) {
    return Instant.now().isBefore(until);
  }

  /** Reports {@code fault}, lasting {@code length}, and waits that long. */
  static void hold(ScenarioContext ctx, String fault, Duration length) throws InterruptedException {
    ctx.fault(fault + " for " + length.toMillis() + " ms");
    ctx.sleep(length);
  }

  /** Waits (bounded) for a file to appear; false on timeout or when {@code p} dies. */
  static boolean awaitFile(Path file, Duration timeout, ManagedProcess p)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (Files.exists(file)) {
        return true;
      }
      if (!p.isAlive()) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  static Path pausedMarker(AgentNode a, RotationStep step) {
    return PausingStepListener.marker(a.paths().stateDir().resolve("journal"), step);
  }

  /**
   * Restarts {@code a} stopped after {@code step} (for good, or for {@code pause}) and with {@code
   * moreHooks}, then waits (45 s at most) until it pauses there, holding the lease mid-rotation;
   * false when it did not get there (or died).
   */
  static boolean restartPausedAfter(AgentNode a, RotationStep step, Optional<Duration> pause)
      throws IOException, InterruptedException {
    return restartPausedAfter(a, step, pause, List.of());
  }

  /** As above, with more JVM options for {@link ChaosAgentMain} ({@code -D...blindLease}). */
  static boolean restartPausedAfter(
      AgentNode a, RotationStep step, Optional<Duration> pause, List<String> moreHooks)
      throws IOException, InterruptedException {
    Path marker = pausedMarker(a, step);
    a.process().stop(Duration.ofSeconds(10));
    List<String> hooks = new ArrayList<>(ChaosAgentMain.pauseAfter(step, pause));
    hooks.addAll(moreHooks);
    a.process().extraJvmOptions(hooks);
    Files.deleteIfExists(marker);
    a.start();
    return awaitFile(marker, Duration.ofSeconds(45), a.process());
  }

  /** Restarts {@code a} without the hooks {@link #restartPausedAfter} set; does not wait. */
  static void restartWithoutHooks(AgentNode a, RotationStep step) throws IOException {
    a.process().stop(Duration.ofSeconds(10));
    a.process().extraJvmOptions(List.of());
    Files.deleteIfExists(pausedMarker(a, step));
    a.start();
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Best effort.
    }
  }
}
