package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A redis-sentinel:// URI: the client asks the Sentinel for the master and takes leases there. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisSentinelTest {

  @Test
  void leasesAreTakenOnTheMasterTheSentinelNames() throws Exception {
    try (RedisServerProcess master = RedisServerProcess.start("--requirepass", "pw");
        RedisServerProcess sentinel = startSentinelWithAuth(master.port)) {
      // The password is the master's; this Sentinel itself asks for none.
      String uri = "redis-sentinel://:pw@127.0.0.1:" + sentinel.port + "#fleet";
      try (RedisFleetLock a = lock(uri);
          RedisFleetLock b = lock(uri);
          RedisAdmin admin = new RedisAdmin("redis://:pw@127.0.0.1:" + master.port)) {
        Lease first = a.acquire("sentinel", 0.5, Duration.ofSeconds(5));
        assertThat(admin.sync().zcard(RedisKeys.of("sentinel").holders())).isEqualTo(1);
        CompletableFuture<Long> next =
            CompletableFuture.supplyAsync(
                () -> {
                  try (Lease l = b.acquire("sentinel", 0.5, Duration.ofSeconds(10))) {
                    return l.fencingToken();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        Thread.sleep(200);
        first.close();
        assertThat(next.get(10, TimeUnit.SECONDS)).isGreaterThan(first.fencingToken());
      }
    }
  }

  private static RedisServerProcess startSentinelWithAuth(int masterPort) throws Exception {
    RedisServerProcess sentinel = RedisServerProcess.startSentinel("fleet", masterPort);
    try (RedisAdmin admin = new RedisAdmin("redis://127.0.0.1:" + sentinel.port)) {
      admin
          .sync()
          .dispatch(
              io.lettuce.core.protocol.CommandType.SENTINEL,
              new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
              new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                  .add("SET")
                  .add("fleet")
                  .add("auth-pass")
                  .add("pw"));
    }
    return sentinel;
  }

  private static RedisFleetLock lock(String uri) {
    return new RedisFleetLock(
        new RedisConfig(uri), 1, Duration.ofSeconds(5), QueueOrder.defaults());
  }
}
