package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.testsupport.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leases between real agent processes on a shared log volume, with a real redis-server: a holder
 * killed with SIGKILL is replaced within its TTL, and a holder stopped past its TTL (the zombie) is
 * refused at its next destructive step, without losing a line.
 */
class LeaseProcessTest {

  @RegisterExtension static final RedisExtension redis = new RedisExtension();

  private static final Duration TTL = Duration.ofSeconds(2);

  @TempDir Path dir;

  private Path config(String name, Path log, Path pidFile) throws Exception {
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        """
        node: { id: %s, group: g }
        stateDir: %s
        http: { enabled: false }
        lock: { backend: redis, redis: { uri: "%s" }, lease: %ds }
        files:
          - path: %s
            retention: { keep: 100 }
            compress: { codec: zstd, level: 3 }
            reopen: { method: signal, signal: HUP, pidFile: %s }
        """
            .formatted(
                name,
                dir.resolve(name + "-state"),
                redis.server().uri(),
                TTL.toSeconds(),
                log,
                pidFile));
  }

  @Test
  void aHolderKilledWithSigkillIsReplacedWithinItsTtlPlusOneSecond() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(100));
    Path pidFile =
        Files.writeString(dir.resolve("none.pid"), Long.toString(ProcessHandle.current().pid()));
    Path holderConfig = config("holder", log, pidFile);
    Process holder =
        AgentProcess.start(
            dir.resolve("holder.log"),
            List.of("-Dfleetrotate.test.pauseAfter=BEGIN"),
            "rotate",
            "--config",
            holderConfig.toString(),
            "--now");
    Path marker = dir.resolve("holder-state/journal/paused-after-BEGIN");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker) || !holder.isAlive());
    assertThat(marker).as("the holder paused holding its lease; see holder.log").exists();

    AgentConfig waiterConfig = ConfigLoader.load(config("waiter", log, pidFile), Map.of());
    try (FleetLock waiter = waiterConfig.lock().open(waiterConfig.stateDir())) {
      CompletableFuture<Long> granted =
          CompletableFuture.supplyAsync(
              () -> {
                try (Lease l = waiter.acquire("g", 0.5, Duration.ofSeconds(60))) {
                  return System.nanoTime();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(500); // the waiter is queued behind the paused holder
      assertThat(granted).isNotDone();
      long killed = System.nanoTime();
      holder.destroyForcibly();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long at = granted.get(30, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(at - killed)).isLessThanOrEqualTo(TTL.plusSeconds(1));
    }
  }

  /**
   * The zombie holder: stopped (SIGSTOP) after its reopen, past its TTL; another agent rotates the
   * same file meanwhile; resumed (SIGCONT), its next destructive step is refused. With {@code
   * blind} the zombie's lease never reports itself lost, so the fence beside the log alone refuses.
   */
  @ParameterizedTest(name = "blind lease: {0}")
  @ValueSource(booleans = {false, true})
  void aZombieHolderIsRefusedAtItsNextDestructiveStep(boolean blind) throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = logs.resolve("server.log");
    Path pidFile = dir.resolve("writer.pid");
    Path writerOut = dir.resolve("writer.out");
    Process writer = SharedTools.startWriter(log, 2000, 12, writerOut);
    Files.writeString(pidFile, Long.toString(writer.pid()));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.size(log) > 0);

    Path zombieLog = dir.resolve("zombie.log");
    Process zombie =
        AgentProcess.start(
            zombieLog,
            List.of(
                "-Dfleetrotate.test.pauseAfter=REOPENED",
                "-Dfleetrotate.test.pauseMillis=3000",
                "-Dfleetrotate.test.blindLease=" + blind),
            "rotate",
            "--config",
            config("zombie", log, pidFile).toString(),
            "--now");
    Path marker = dir.resolve("zombie-state/journal/paused-after-REOPENED");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker) || !zombie.isAlive());
    assertThat(marker).as("the zombie paused after its reopen; see " + zombieLog).exists();
    signal("STOP", zombie);
    try {
      Thread.sleep(TTL.toMillis() + 500); // its lease expires on the service
      Path otherLog = dir.resolve("other.log");
      int exit =
          AgentProcess.run(
              otherLog, "rotate", "--config", config("other", log, pidFile).toString(), "--now");
      assertThat(exit).as("the other agent rotates; see " + otherLog).isZero();
    } finally {
      signal("CONT", zombie);
    }
    assertThat(zombie.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(zombieLog);
    assertThat(zombie.exitValue()).as(said).isEqualTo(1);
    assertThat(said).contains("FAILED").contains("[LEASE_LOST]");
    if (blind) {
      assertThat(said).contains("refused by the fence");
    }
    FenceFile.Entry fence = FenceFile.of(log, Clock.systemUTC()).read().orElseThrow();
    assertThat(fence.holder()).isNotBlank();

    long last = SharedTools.awaitWriter(writer, writerOut);
    List<Path> files = SharedTools.logAndBackups(log);
    assertThat(SharedTools.countLost(last, files))
        .as("missing, duplicated across " + files)
        .containsExactly(0, 0);
  }

  private static void signal(String sig, Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
