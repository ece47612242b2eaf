package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ordered on purpose: each test pins what the extension undoes after the previous one. */
@ExtendWith(RedisExtension.class)
@TestMethodOrder(OrderAnnotation.class)
class ServerSharedByAClassTest {
  private static int port;
  private static RealRedis stoppedByATest;

  @Test
  @Order(1)
  void aTestMayLeaveTheServerKilled(RealRedis redis) {
    port = redis.port();
    redis.kill();
  }

  @Test
  @Order(2)
  void aKilledServerIsRestartedOnTheSamePortForTheNextTest(RealRedis redis) {
    assertThat(redis.port()).isEqualTo(port);
    assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");
    redis.pause();
  }

  @Test
  @Order(3)
  void aPausedServerIsResumedForTheNextTest(RealRedis redis) {
    assertThat(redis.isPaused()).isFalse();
    assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");
    stoppedByATest = redis;
    redis.stop();
  }

  @Test
  @Order(4)
  void aStoppedServerIsReplacedForTheNextTest(RealRedis redis) {
    assertThat(redis).isNotSameAs(stoppedByATest);
    assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");
  }
}
