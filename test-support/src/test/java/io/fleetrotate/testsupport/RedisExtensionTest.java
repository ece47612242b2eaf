package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisExtensionTest {
  private static RealRedis serverSeenByBeforeAll;

  @BeforeAll
  static void rememberServer(RealRedis redis) {
    serverSeenByBeforeAll = redis;
  }

  @Test
  void pingSetGetAgainstARealServer(RealRedis redis) {
    try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
      assertThat(client.sync().ping()).isEqualTo("PONG");
      assertThat(client.sync().set("rotation", "42")).isEqualTo("OK");
      assertThat(client.sync().get("rotation")).isEqualTo("42");
      assertThat(client.sync().info("server")).containsPattern("redis_version:[67]\\.\\d+\\.\\d+");
    }
    assertThat(redis.uri()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
  }

  @Test
  void killThenRestartOnTheSamePortServesAgain(RealRedis redis) {
    int port = redis.port();
    try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
      client.sync().set("before-crash", "1");
    }

    redis.kill();

    assertThat(redis.isRunning()).isFalse();
    RedisClient refused = RedisClientForTests.newClient(redis);
    try {
      assertThatThrownBy(refused::connect).isInstanceOf(RedisConnectionException.class);
    } finally {
      RedisClientForTests.shutdown(refused);
    }

    redis.restart();

    assertThat(redis.isRunning()).isTrue();
    assertThat(redis.port()).isEqualTo(port);
    try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
      assertThat(client.sync().ping()).isEqualTo("PONG");
      assertThat(client.sync().get("before-crash")).as("a restarted server starts empty").isNull();
      client.sync().set("after-restart", "2");
      assertThat(client.sync().get("after-restart")).isEqualTo("2");
    }
  }

  @Test
  void pausedServerDoesNotAnswerUntilResumed(RealRedis redis) {
    try (RedisClientForTests client = RedisClientForTests.connect(redis, Duration.ofMillis(300))) {
      assertThat(client.sync().ping()).isEqualTo("PONG");

      redis.pause();

      assertThat(redis.isPaused()).isTrue();
      assertThat(redis.isRunning()).as("a paused server still exists").isTrue();
      assertThatThrownBy(() -> client.sync().ping())
          .isInstanceOf(RedisCommandTimeoutException.class);

      redis.resume();

      assertThat(redis.isPaused()).isFalse();
      try (RedisClientForTests fresh = RedisClientForTests.connect(redis)) {
        assertThat(fresh.sync().ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void lifecycleMethodsAndTestsShareOneServerPerClass(RealRedis redis) {
    assertThat(serverSeenByBeforeAll).isSameAs(redis);
  }
}
