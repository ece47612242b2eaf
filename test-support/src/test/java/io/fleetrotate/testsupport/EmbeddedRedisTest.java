package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.testsupport.RealRedis.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedRedisTest {
  @RegisterExtension static final RedisExtension embedded = RedisExtension.forcing(Source.EMBEDDED);

  @Test
  void embeddedBinaryWorksWhenForced() {
    RealRedis redis = embedded.server();
    try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
      assertThat(redis.source()).isEqualTo(Source.EMBEDDED);
      assertThat(client.sync().ping()).isEqualTo("PONG");
      client.sync().set("k", "v");
      assertThat(client.sync().get("k")).isEqualTo("v");
      assertThat(client.sync().info("server"))
          .contains("redis_version:6.2.")
          .contains("executable:" + EmbeddedRedisBinary.extract());
    }
  }

  @Test
  void embeddedServerCanBeKilledAndRestartedLikeAnyOther() {
    RealRedis redis = embedded.server();
    int port = redis.port();

    redis.kill();
    assertThat(RespPing.ping(redis.host(), port)).as("reply after kill").isEmpty();
    redis.restart();

    assertThat(redis.port()).isEqualTo(port);
    assertThat(RespPing.ping(redis.host(), port)).isEqualTo("+PONG");
  }
}
