package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lock service that answers but refuses is a {@link LockRefusedException} (a configuration error
 * whose message says what to fix), promptly and without retrying, never a plain outage. Real
 * redis-server processes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisRefusalTest {
  static final Duration TTL = Duration.ofSeconds(5);

  @Test
  void aWrongPasswordIsARefusalNamingTheUri() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("--requirepass", "s3cret")) {
      assertRefused("redis://:wrong@127.0.0.1:" + server.port, "WRONGPASS", "lock.redis.uri");
    }
  }

  @Test
  void aMissingPasswordIsARefusal() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("--requirepass", "s3cret")) {
      assertRefused("redis://127.0.0.1:" + server.port, "NOAUTH", "requires a password");
    }
  }

  @Test
  void anAclUserWithoutALockCommandIsARefusal() throws Exception {
    try (RedisServerProcess server =
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
      assertRefused("redis://weak:pw@127.0.0.1:" + server.port, "NOPERM", "Redis ACL for the lock");
    }
  }

  @Test
  void aLockKeyOfTheWrongTypeIsARefusal() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        RedisAdmin admin = new RedisAdmin("redis://127.0.0.1:" + server.port)) {
      admin.sync().set(RedisKeys.of("refused").holders(), "planted by another program");
      assertRefused("redis://127.0.0.1:" + server.port, "WRONGTYPE", "wrong type");
    }
  }

  @Test
  void aScriptErrorOnAStrayLockValueIsARefusal() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        RedisAdmin admin = new RedisAdmin("redis://127.0.0.1:" + server.port)) {
      admin.sync().set(RedisKeys.of("refused").fence(), "not a number");
      assertRefused("redis://127.0.0.1:" + server.port, "ERR", "refused the lock's command");
    }
  }

  @Test
  void aRedisThatIsDownIsAnOutageNotARefusal() throws Exception {
    int port = RedisServerProcess.freePort();
    try (RedisFleetLock lock = redis("redis://127.0.0.1:" + port)) {
      assertThatThrownBy(() -> lock.acquire("refused", 0.99, Duration.ofSeconds(5)))
          .isInstanceOf(LockUnavailableException.class)
          .isNotInstanceOf(LockRefusedException.class);
    }
  }

  private static RedisFleetLock redis(String uri) {
    return new RedisFleetLock(new RedisConfig(uri), 1, TTL, QueueOrder.defaults());
  }

  private static void assertRefused(String uri, String code, String whatToFix) {
    try (RedisFleetLock lock = redis(uri)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> lock.acquire("refused", 0.99, Duration.ofSeconds(30)))
          .isInstanceOf(LockRefusedException.class)
          .hasMessageContaining(code)
          .hasMessageContaining(whatToFix)
          .hasMessageNotContaining("wrong@")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("a refusal is not retried as an outage would be")
          .isLessThan(Duration.ofSeconds(10));
    }
  }
}
