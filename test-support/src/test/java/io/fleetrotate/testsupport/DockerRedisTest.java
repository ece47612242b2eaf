package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.testsupport.RealRedis.Source;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Docker source of the Redis fixture, forced ({@link RedisLauncher#forcing}), whatever
 * FLEETROTATE_TEST_REDIS or automatic selection would pick: a {@code redis:7} container through
 * Testcontainers, killed, restarted on the same host port, paused and resumed.
 *
 * <p>Without a Docker engine it prints why and is skipped, except under CI=true, where it fails: CI
 * starts one with ci/docker-up.sh (with a local stand-in tagged redis:7, as no image registry is
 * reachable there; users get the upstream image).
 */
class DockerRedisTest {
  @Test
  void aForcedDockerRedisAnswersSurvivesAKillAndStopsForGood() {
    if (!DockerProbe.isReachable()) {
      String why = DockerProbe.unreachableReason();
      System.out.println("DockerRedisTest: " + why);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; CI starts a Docker engine with ci/docker-up.sh");
      }
      Assumptions.abort(why);
    }
    ManagedRedis redis = RedisLauncher.forcing(Source.DOCKER, "DockerRedisTest").start();
    try {
      assertThat(redis.source()).isEqualTo(Source.DOCKER);
      assertThat(redis.pid()).isEmpty();
      try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
        assertThat(client.sync().set("k", "v")).isEqualTo("OK");
        assertThat(client.sync().info("server")).contains("redis_version:7.");
      }
      int port = redis.port();

      redis.kill();
      assertThat(redis.isRunning()).isFalse();
      redis.restart();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");

      redis.pause();
      assertThat(redis.isPaused()).isTrue();
      redis.resume();
      assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");
    } finally {
      redis.stop();
    }
    assertThat(redis.isStopped()).isTrue();
    assertThat(redis.isRunning()).isFalse();
  }
}
