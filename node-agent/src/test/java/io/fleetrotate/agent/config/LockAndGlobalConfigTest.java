package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.config.ConfigError;
import io.fleetrotate.lock.LockBackend;
import io.fleetrotate.lock.redis.RedisConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockAndGlobalConfigTest {
  @TempDir Path dir;

  @Test
  void redisBackendReadsItsUriAndNonDefaultLockSettings() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            """
            lock:
              backend: redis
              redis: { uri: "rediss://:pw@redis:6380/0" }
              lease: 2m
              maxConcurrent: 3
              onUnavailable: rotate-when-critical
              criticalDiskRatio: 0.9
              acquireTimeout: 0s
            """
                + ConfigFiles.ONE_FILE);

    LockConfig lock = config.lock();
    assertThat(lock.backend()).isEqualTo(LockBackend.REDIS);
    assertThat(lock.redis()).contains(new RedisConfig("rediss://:pw@redis:6380/0"));
    assertThat(lock.redis().orElseThrow().toString()).doesNotContain("pw");
    assertThat(lock.lease()).isEqualTo(Duration.ofMinutes(2));
    assertThat(lock.maxConcurrent()).isEqualTo(3);
    assertThat(lock.onUnavailable()).isEqualTo(LockConfig.OnUnavailable.ROTATE_WHEN_CRITICAL);
    assertThat(lock.criticalDiskRatio()).isEqualTo(0.9);
    assertThat(lock.acquireTimeout()).isZero();
  }

  @Test
  void redisBackendWithoutUriIsAnError() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            lock:
              backend: redis
              redis: {}
            """
                + ConfigFiles.ONE_FILE);

    assertThat(errors)
        .extracting(ConfigError::line, ConfigError::keyPath, ConfigError::message)
        .containsExactly(
            tuple(3, "lock.redis.uri", "missing; write a Redis URI such as redis://redis:6379"));
  }

  @Test
  void backendsWithoutTheirSectionAreErrors() {
    ConfigError redis =
        ConfigFiles.onlyError(dir, "lock: { backend: redis }\n" + ConfigFiles.ONE_FILE);
    assertThat(redis.keyPath()).isEqualTo("lock.redis");
    assertThat(redis.message())
        .isEqualTo("missing; backend redis needs redis: {uri: \"redis://host:6379\"}");

    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            lock:
              backend: hazelcast
              hazelcast: { members: [], clusterName: "fleet rotate" }
              criticalDiskRatio: 0
              maxConcurrent: 0
            """
                + ConfigFiles.ONE_FILE);
    assertThat(errors)
        .extracting(ConfigError::keyPath)
        .containsExactly(
            "lock.hazelcast.members",
            "lock.hazelcast.clusterName",
            "lock.criticalDiskRatio",
            "lock.maxConcurrent");
    assertThat(errors.get(0).message()).startsWith("is empty; list at least one member");
    assertThat(errors.get(2).message())
        .isEqualTo("\"0\" is out of range; write a ratio greater than 0 and at most 1");
  }

  @Test
  void coordinatorNeedsAnHttpUrlAndANonEmptyToken() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            coordinator: { url: "ftp://coordinator", token: "${TOKEN:-}", heartbeat: 100ms }
            """
                + ConfigFiles.ONE_FILE);

    assertThat(errors)
        .extracting(ConfigError::keyPath, ConfigError::message)
        .containsExactly(
            tuple(
                "coordinator.url",
                "\"ftp://coordinator\" is not an http or https URL; write e.g. http://host:8420"),
            tuple(
                "coordinator.token",
                "is empty; remove the key to connect without a token (after substituting"
                    + " \"${TOKEN:-}\")"),
            tuple("coordinator.heartbeat", "\"100ms\" is shorter than the minimum 1s"));
  }

  @Test
  void coordinatorTokenNeverAppearsInToString() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            "coordinator: { url: \"https://c:8420\", token: hunter2-hunter2-hunter2 }\n"
                + ConfigFiles.ONE_FILE);

    assertThat(config.coordinator().orElseThrow().token()).contains("hunter2-hunter2-hunter2");
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @Test
  void worldWritableModeNeedsTheFlag() throws Exception {
    ConfigError error =
        ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    create: { mode: \"0666\" }\n");
    assertThat(error.line()).isEqualTo(3);
    assertThat(error.keyPath()).isEqualTo("files[0].create.mode");
    assertThat(error.message()).startsWith("\"0666\" makes the log world-writable");

    FileConfig file =
        ConfigFiles.load(
                dir,
                ConfigFiles.ONE_FILE
                    + "    allowWorldWritable: true\n"
                    + "    create: { mode: 0666, owner: root, group: \"1000\" }\n")
            .files()
            .get(0);
    assertThat(file.allowWorldWritable()).isTrue();
    assertThat(file.create().mode()).hasValue(0666);
    assertThat(file.create().owner()).contains("root");
    assertThat(file.create().group()).contains("1000");
    assertThat(file.create().permissions().orElseThrow())
        .extracting(Enum::name)
        .containsExactlyInAnyOrder(
            "OWNER_READ",
            "OWNER_WRITE",
            "GROUP_READ",
            "GROUP_WRITE",
            "OTHERS_READ",
            "OTHERS_WRITE");
  }

  @Test
  void unquotedOctalModeIsReadAsOctalNotAsYamlInteger() throws Exception {
    FileConfig file =
        ConfigFiles.load(dir, ConfigFiles.ONE_FILE + "    create: { mode: 0640 }\n").files().get(0);

    assertThat(file.create().mode()).hasValue(0640);
    ConfigError setuid =
        ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    create: { mode: \"4755\" }\n");
    assertThat(setuid.message()).startsWith("\"4755\" sets setuid, setgid or sticky bits");
  }

  @Test
  void globEntriesExposeTheirMatcherAndSearchRoot() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            """
            node: { group: web }
            files:
              - path: /var/log/mcp/*.log
                group: workers
              - path: /var/log/./app.log
            """);

    FileConfig glob = config.files().get(0);
    assertThat(glob.isGlob()).isTrue();
    assertThat(glob.searchRoot()).isEqualTo(Path.of("/var/log/mcp"));
    assertThat(glob.matcher().matches(Path.of("/var/log/mcp/server.log"))).isTrue();
    assertThat(glob.matcher().matches(Path.of("/var/log/mcp/server.log.1"))).isFalse();
    assertThat(glob.effectiveGroup(config.node())).isEqualTo("workers");
    FileConfig plain = config.files().get(1);
    assertThat(plain.path()).isEqualTo("/var/log/app.log");
    assertThat(plain.isGlob()).isFalse();
    assertThat(plain.searchRoot()).isEqualTo(Path.of("/var/log"));
    assertThat(plain.effectiveGroup(config.node())).isEqualTo("web");
    assertThat(plain.group()).isEqualTo(Optional.empty());
  }

  @Test
  void filesShareSettingsThroughAnchorsAndMergeKeys() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            """
            x-defaults: &defaults
              retention: { keep: 7 }
              compress: { codec: gzip }
            files:
              - path: /var/log/a.log
                <<: *defaults
              - path: /var/log/b.log
                <<: *defaults
                compress: { codec: none }
            """);

    assertThat(config.files().get(0).retention().keep()).hasValue(7);
    assertThat(config.files().get(0).compress().codec()).isEqualTo(Codec.GZIP);
    assertThat(config.files().get(1).retention().keep()).hasValue(7);
    assertThat(config.files().get(1).compress().codec()).isEqualTo(Codec.NONE);
  }

  @Test
  void triggerBoundsThatContradictEachOtherAreRefused() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            ConfigFiles.ONE_FILE
                + "    trigger: { maxSize: 1MiB, minSize: 2MiB, rotateEmpty: true }\n");

    assertThat(errors)
        .extracting(ConfigError::keyPath, ConfigError::message)
        .containsExactly(
            tuple(
                "files[0].trigger.minSize",
                "2MiB is larger than maxSize 1MiB; lower minSize or raise maxSize"),
            tuple(
                "files[0].trigger.rotateEmpty",
                "true has no effect with a minSize above 0; remove one of them"));
  }
}
