package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.lock.LockBackend;
import io.fleetrotate.lock.hazelcast.HazelcastConfig;
import io.fleetrotate.lock.redis.RedisConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void designExampleLoadsWithItsEnvironment() throws Exception {
    Path file = ConfigFiles.copyResource(dir, "/config/design-example.yaml", "agent.yaml");

    AgentConfig config =
        ConfigFiles.load(
            file,
            Map.of("HOSTNAME", "mcp-host-1", "FLEETROTATE_AGENT_TOKEN", "s3cret-agent-token-0123"));

    assertThat(config.source()).isEqualTo(file);
    assertThat(config.node()).isEqualTo(new NodeConfig("mcp-host-1", "mcp-server"));
    assertThat(config.coordinator())
        .contains(
            new CoordinatorConfig(
                URI.create("http://coordinator:8420"),
                Optional.of("s3cret-agent-token-0123"),
                Duration.ofSeconds(15)));
    LockConfig lock = config.lock();
    assertThat(lock.backend()).isEqualTo(LockBackend.HAZELCAST);
    assertThat(lock.hazelcast())
        .contains(new HazelcastConfig(List.of("coordinator:5701"), "fleetrotate"));
    assertThat(lock.redis()).contains(new RedisConfig("redis://redis:6379"));
    assertThat(lock.lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(lock.maxConcurrent()).isEqualTo(1);
    assertThat(lock.onUnavailable()).isEqualTo(LockConfig.OnUnavailable.WAIT);
    assertThat(lock.criticalDiskRatio()).isEqualTo(0.95);
    assertThat(lock.acquireTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.checkInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/fleetrotate"));
    assertThat(config.http()).isEqualTo(new HttpConfig(true, "0.0.0.0", 8421));
    assertThat(config.files()).hasSize(2);

    FileConfig server = config.files().get(0);
    assertThat(server.path()).isEqualTo("/var/log/mcp-server/server.log");
    assertThat(server.trigger().maxSizeBytes()).hasValue(100L * 1024 * 1024);
    assertThat(server.trigger().schedule())
        .contains(CronSchedule.parse("0 2 * * *", ConfigFiles.ZONE));
    assertThat(server.trigger().maxAge()).contains(Duration.ofHours(24));
    assertThat(server.retention())
        .isEqualTo(
            new RetentionConfig(
                OptionalInt.of(30), Optional.of(Duration.ofDays(30)), OptionalLong.of(5L << 30)));
    assertThat(server.compress()).isEqualTo(CompressConfig.DEFAULT);
    assertThat(server.reopen())
        .isEqualTo(
            new ReopenConfig.Signal(
                "HUP", OptionalLong.empty(), Optional.of(Path.of("/var/run/mcp-server.pid"))));
    assertThat(server.effectiveGroup(config.node())).isEqualTo("mcp-server");
  }

  @Test
  void fileWithoutSectionsGetsDocumentedDefaults() throws Exception {
    AgentConfig config = ConfigFiles.load(dir, ConfigFiles.ONE_FILE);

    assertThat(config.node()).isEqualTo(new NodeConfig(ConfigFiles.HOST, "default"));
    assertThat(config.coordinator()).isEmpty();
    assertThat(config.lock().backend()).isEqualTo(LockBackend.LOCAL);
    assertThat(config.lock().redis()).isEmpty();
    assertThat(config.lock().hazelcast()).isEmpty();
    assertThat(config.lock().lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.lock().criticalDiskRatio()).isEqualTo(0.95);
    assertThat(config.checkInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/fleetrotate"));
    assertThat(config.http()).isEqualTo(new HttpConfig(true, "0.0.0.0", 8421));
    FileConfig file = config.files().get(0);
    assertThat(file.group()).isEmpty();
    assertThat(file.effectiveGroup(config.node())).isEqualTo("default");
    assertThat(file.trigger()).isEqualTo(TriggerConfig.DEFAULT);
    assertThat(file.trigger().maxAge()).contains(Duration.ofHours(24));
    assertThat(file.trigger().minSizeBytes()).isZero();
    assertThat(file.trigger().rotateEmpty()).isFalse();
    assertThat(file.retention().keep()).hasValue(30);
    assertThat(file.compress()).isEqualTo(CompressConfig.DEFAULT);
    assertThat(file.reopen()).isEqualTo(new ReopenConfig.CopyTruncate());
    assertThat(file.backup()).isEqualTo(new BackupConfig("yyyyMMdd-HHmmss", Optional.empty()));
    assertThat(file.create()).isEqualTo(CreateConfig.DEFAULT);
    assertThat(file.allowWorldWritable()).isFalse();
  }

  @Test
  void retentionWithOnlyMaxAgeDoesNotCapTheNumberOfBackups() throws Exception {
    AgentConfig config =
        ConfigFiles.load(dir, ConfigFiles.ONE_FILE + "    retention: { maxAge: 90d }\n");

    RetentionConfig retention = config.files().get(0).retention();
    assertThat(retention.keep()).isEmpty();
    assertThat(retention.maxAge()).contains(Duration.ofDays(90));
  }

  @Test
  void theCompressAheadFrameSpanIsReadAsASize() throws Exception {
    AgentConfig config =
        ConfigFiles.load(dir, ConfigFiles.ONE_FILE + "    compress: { aheadFrame: 64KiB }\n");

    assertThat(config.files().get(0).compress().aheadFrame()).isEqualTo(64 * 1024);
    assertThat(CompressConfig.DEFAULT.aheadFrame()).isEqualTo(16L << 20);
  }

  @Test
  void gzipWithoutLevelGetsLevelSix() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            ConfigFiles.ONE_FILE
                + "    compress: { codec: gzip, delay: true, maxBytesPerSecond: 50MiB/s }\n");

    assertThat(config.files().get(0).compress())
        .isEqualTo(
            new CompressConfig(Codec.GZIP, 6, true, OptionalLong.of(50L << 20), false, 16L << 20));
    assertThat(Codec.GZIP.fileExtension()).isEqualTo(".gz");
    assertThat(Codec.ZSTD.fileExtension()).isEqualTo(".zst");
    assertThat(Codec.NONE.fileExtension()).isEmpty();
  }

  @Test
  void variablesAreSubstitutedWithDefaultsWhenUnsetOrEmpty() throws Exception {
    Path file =
        ConfigFiles.write(
            dir,
            """
            node: { id: "${NODE_ID}", group: "${GROUP:-mcp}" }
            http: { port: "${PORT:-9000}", bind: "${BIND:-127.0.0.1}" }
            stateDir: ${STATE_ROOT}/fleetrotate
            files:
              - path: /var/log/${LOG_DIR}/app.log
                reopen: { method: command, command: ["/bin/sh", "-c", "kill -HUP $${PID}"] }
            """);

    AgentConfig config =
        ConfigFiles.load(
            file, Map.of("NODE_ID", "n-7", "BIND", "", "STATE_ROOT", "/srv", "LOG_DIR", "x"));

    assertThat(config.node()).isEqualTo(new NodeConfig("n-7", "mcp"));
    assertThat(config.http()).isEqualTo(new HttpConfig(true, "127.0.0.1", 9000));
    assertThat(config.stateDir()).isEqualTo(Path.of("/srv/fleetrotate"));
    assertThat(config.files().get(0).path()).isEqualTo("/var/log/x/app.log");
    assertThat(config.files().get(0).reopen())
        .isEqualTo(
            new ReopenConfig.Command(
                List.of("/bin/sh", "-c", "kill -HUP ${PID}"), Duration.ofSeconds(30)));
  }

  @Test
  void hostnameFallsBackToTheMachineHostNameWhenNotExported() throws Exception {
    AgentConfig config =
        ConfigFiles.load(dir, "node: { id: \"${HOSTNAME}-agent\" }\n" + ConfigFiles.ONE_FILE);

    assertThat(config.node().id()).isEqualTo(ConfigFiles.HOST + "-agent");
  }

  @Test
  void scheduleIsReadInItsTimeZone() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            ConfigFiles.ONE_FILE
                + "    trigger: { schedule: \"0 2 * * *\", timeZone: Europe/Paris }\n");

    CronSchedule schedule = config.files().get(0).trigger().schedule().orElseThrow();
    assertThat(schedule.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(schedule.nextExecutionAfter(ZonedDateTime.parse("2024-06-01T12:00:00Z")))
        .contains(ZonedDateTime.parse("2024-06-02T02:00+02:00[Europe/Paris]"));
  }
}
