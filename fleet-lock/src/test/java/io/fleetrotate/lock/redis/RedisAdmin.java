package io.fleetrotate.lock.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/** A plain Lettuce connection for tests to look at and meddle with the lock's keys. */
final class RedisAdmin implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  RedisAdmin(String uri) {
    RedisURI parsed = RedisURI.create(uri);
    parsed.setTimeout(Duration.ofSeconds(5));
    client = RedisClient.create(parsed);
    connection = client.connect();
  }

  RedisCommands<String, String> sync() {
    return connection.sync();
  }

  RedisAsyncCommands<String, String> async() {
    return connection.async();
  }

  /** Deletes every grant of {@code group}, as an expiry during a pause would. */
  void revokeAll(String group) {
    RedisKeys keys = RedisKeys.of(group);
    sync().del(keys.holders(), keys.grants());
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
