package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import io.fleetrotate.lock.redis.RedisConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lock.redis}: the cluster flag and the CA file, as an agent's YAML gives them. */
class RedisConfigReadingTest {
  @TempDir Path dir;

  private Path write(String redisSection) throws Exception {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        "node: { id: n1, group: g }\n"
            + "lock:\n  backend: redis\n  redis: "
            + redisSection
            + "\nfiles:\n  - path: /var/log/app.log\n");
  }

  @Test
  void clusterSeedsAndCaFileAreRead() throws Exception {
    Path ca = io.fleetrotate.testsupport.TestCa.make(dir).ca();
    RedisConfig redis =
        ConfigLoader.load(
                write(
                    "{ uri: \"rediss://:pw@n1:6379,n2:6379\", cluster: true, caFile: " + ca + " }"),
                Map.of())
            .lock()
            .redis()
            .orElseThrow();
    assertThat(redis.cluster()).isTrue();
    assertThat(redis.uri()).isEqualTo("rediss://:pw@n1:6379,n2:6379");
    assertThat(redis.caFile()).contains(ca);
    assertThat(redis.toString()).doesNotContain("pw").contains("cluster");
  }

  @Test
  void withoutTheNewKeysItIsAStandaloneOrSentinelUri() throws Exception {
    RedisConfig redis =
        ConfigLoader.load(
                write("{ uri: \"redis-sentinel://s1:26379,s2:26379#mymaster\" }"), Map.of())
            .lock()
            .redis()
            .orElseThrow();
    assertThat(redis).isEqualTo(new RedisConfig("redis-sentinel://s1:26379,s2:26379#mymaster"));
    assertThat(redis.caFile()).isEqualTo(Optional.empty());
  }

  @Test
  void aClusterOfSentinelsIsRefusedWithTheKeyPath() throws Exception {
    Path file = write("{ uri: \"redis-sentinel://s1:26379#m\", cluster: true }");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e).isNotNull();
    assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("lock.redis.cluster");
    assertThat(e.errors().get(0).message()).contains("redis://");
  }

  @Test
  void aRelativeCaFileIsRefused() throws Exception {
    Path file = write("{ uri: \"rediss://redis:6379\", caFile: ca.pem }");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e).isNotNull();
    assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("lock.redis.caFile");
  }
}
