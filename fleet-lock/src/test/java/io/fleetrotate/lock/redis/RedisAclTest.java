package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis lock works under an ACL user limited to its keys, its channel and the commands it sends
 * (the client's and its scripts', which run with the caller's permissions), and that user can do
 * nothing else. The rules are README's "Redis ACL for the lock", set with ACL SETUSER on a real
 * redis-server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisAclTest {
  /** After {@code ACL SETUSER fleetrotate-agent on >PASSWORD}; the README shows the same. */
  static final String RULES =
      "resetchannels -@all ~fleetrotate:* &fleetrotate:granted:* +hello +evalsha +eval"
          + " +subscribe +get +set +hget +hset +hdel +zadd +zcard +zrange"
          + " +zrangebyscore +zrem +zscore +publish +time";

  static RedisServerProcess server;
  static String uri;

  @BeforeAll
  static void startWithTheAclUser() throws Exception {
    server = RedisServerProcess.start("--requirepass", "admin-pw");
    RedisClient admin = RedisClient.create("redis://:admin-pw@127.0.0.1:" + server.port);
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      CommandArgs<String, String> args =
          new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add("fleetrotate-agent");
      args.add("on").add(">agent-pw");
      for (String rule : RULES.split(" ")) {
        args.add(rule);
      }
      assertThat(c.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args))
          .isEqualTo("OK");
    } finally {
      admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    uri = "redis://fleetrotate-agent:agent-pw@127.0.0.1:" + server.port;
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theReadmeShowsTheRulesThisTestUses() throws Exception {
    Path readme = Path.of("..", "README.md");
    assertThat(Files.readString(readme))
        .contains("ACL SETUSER fleetrotate-agent on >CHANGE-ME " + RULES);
  }

  @Test
  void acquireRenewHandOffReleaseAndFencingWorkUnderTheAclUser() throws Exception {
    Duration ttl = Duration.ofMillis(1500);
    try (RedisFleetLock a = lock(ttl);
        RedisFleetLock b = lock(ttl)) {
      Lease first = a.acquire("acl", 0.5, Duration.ofSeconds(5));
      // Held past two TTLs: only the watchdog's renewals (RENEW script) keep it.
      await()
          .pollDelay(ttl.multipliedBy(2))
          .atMost(ttl.multipliedBy(4))
          .untilAsserted(first::checkValid);
      // A waiter queues (ACQUIRE script, SUBSCRIBE) and is handed the lease on release (RELEASE
      // script, PUBLISH).
      CompletableFuture<Lease> second =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return b.acquire("acl", 0.5, Duration.ofSeconds(20));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> adminZcard(RedisKeys.of("acl").keys()[2]) == 1);
      first.close();
      Lease handedOff = second.get(10, TimeUnit.SECONDS);
      assertThat(handedOff.fencingToken()).isGreaterThan(first.fencingToken());
      handedOff.close();
      // The counter raise (EVAL) works too.
      long above = handedOff.fencingToken() + 1_000_000_000L;
      a.raiseFencingToken("acl", above);
      try (Lease next = a.acquire("acl", 0.5, Duration.ofSeconds(5))) {
        assertThat(next.fencingToken()).isGreaterThan(above);
      }
    }
  }

  @Test
  void theAclUserCannotTouchOtherKeysOrChannelsNorRunAdminCommands() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect();
        StatefulRedisPubSubConnection<String, String> p = client.connectPubSub()) {
      RedisCommands<String, String> redis = c.sync();
      assertNoPerm(() -> redis.set("sessions:42", "x"));
      assertNoPerm(() -> redis.get("sessions:42"));
      assertNoPerm(() -> redis.del("fleetrotate:{acl}:fence"));
      assertNoPerm(redis::flushall);
      assertNoPerm(() -> redis.configGet("requirepass"));
      assertNoPerm(() -> redis.keys("*"));
      assertNoPerm(
          () ->
              redis.eval(
                  "return redis.call('SET', KEYS[1], 'x')",
                  ScriptOutputType.STATUS,
                  "sessions:42"));
      assertNoPerm(() -> redis.publish("other-channel", "x"));
      assertNoPerm(() -> p.sync().subscribe("other-channel"));
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static void assertNoPerm(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(RedisCommandExecutionException.class)
        .hasMessageContaining("NOPERM");
  }

  private static long adminZcard(String key) {
    RedisClient admin = RedisClient.create("redis://:admin-pw@127.0.0.1:" + server.port);
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      return c.sync().zcard(key);
    } finally {
      admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static RedisFleetLock lock(Duration ttl) {
    return new RedisFleetLock(new RedisConfig(uri), 1, ttl, QueueOrder.defaults());
  }
}
