package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import io.fleetrotate.testsupport.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock service that refuses the agent (WRONGPASS, NOAUTH, NOPERM, WRONGTYPE) is a configuration
 * error: the rotation fails with CONFIG_ERROR and the log is left alone, even with {@code
 * onUnavailable: rotate-when-critical} and a disk above the critical ratio, where an unreachable
 * service would rotate without a lease. A real redis-server per case.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentRefusedLockTest {
  private static final int LOG_BYTES = 10_000;

  @TempDir Path dir;

  @Test
  void aWrongPasswordNeverRotatesWithoutALease() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "s3cret")) {
      assertRefusedAndNotRotated("redis://:wrong@127.0.0.1:" + redis.port, "WRONGPASS");
    }
  }

  @Test
  void aMissingPasswordNeverRotatesWithoutALease() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "s3cret")) {
      assertRefusedAndNotRotated("redis://127.0.0.1:" + redis.port, "NOAUTH");
    }
  }

  @Test
  void anAclUserWithoutTheLocksCommandsNeverRotatesWithoutALease() throws Exception {
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            "--user",
            "default",
            "off",
            "--user",
            "weak",
            "on",
            ">pw",
            "~fleetrotate:*",
            "+ping",
            "+hello",
            "+get")) {
      assertRefusedAndNotRotated("redis://weak:pw@127.0.0.1:" + redis.port, "NOPERM");
    }
  }

  @Test
  void aLockKeyOfTheWrongTypeNeverRotatesWithoutALease() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      String uri = "redis://127.0.0.1:" + redis.port;
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().set("fleetrotate:{g}:holders", "planted by another program");
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      assertRefusedAndNotRotated(uri, "WRONGTYPE");
    }
  }

  private void assertRefusedAndNotRotated(String uri, String code) throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(1000));
    // Any disk in use is above this ratio: the log's mount counts as critical.
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: refused-test, group: g }
            stateDir: %s
            lock:
              backend: redis
              redis: { uri: "%s" }
              onUnavailable: rotate-when-critical
              criticalDiskRatio: 0.000001
              acquireTimeout: 5s
            files:
              - path: %s
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), uri, live));
    AgentConfig config = ConfigLoader.load(yaml, Map.of());
    List<RotationOutcome> reported = new ArrayList<>();
    RotationOutcome o;
    try (FleetLock lock = config.lock().open(config.stateDir())) {
      Agent agent =
          new Agent(
              config, lock, Clock.systemUTC(), new AgentMetrics(), (r, b, w) -> reported.add(r));
      o = agent.rotateNow(live, Trigger.SIZE, ProgressListener.NONE);
    }
    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.reason()).contains(FailureReason.CONFIG_ERROR);
    assertThat(o.trigger()).isNotEqualTo(Trigger.EMERGENCY);
    assertThat(o.message()).contains(code).doesNotContain("\n").doesNotContain(":wrong@");
    assertThat(reported).containsExactly(o);
    assertThat(Files.size(live)).isGreaterThanOrEqualTo(LOG_BYTES);
    try (var listing = Files.list(logs)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .as("no backup was made")
          .containsExactly("server.log");
    }
  }
}
