package io.fleetrotate.testsupport;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A Lettuce connection to a test's server that does not reconnect behind the test's back. */
final class RedisClientForTests implements AutoCloseable {
  /** One set of Netty threads for all tests in the JVM; creating them per test is slow. */
  private static final ClientResources RESOURCES = DefaultClientResources.create();

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private RedisClientForTests(RedisClient client, StatefulRedisConnection<String, String> c) {
    this.client = client;
    this.connection = c;
  }

  /** Connects with a short command timeout, so that a frozen server shows up quickly. */
  static RedisClientForTests connect(RealRedis redis, Duration commandTimeout) {
    RedisClient client = newClient(redis);
    try {
      StatefulRedisConnection<String, String> connection = client.connect();
      connection.setTimeout(commandTimeout);
      return new RedisClientForTests(client, connection);
    } catch (RuntimeException e) {
      shutdown(client);
      throw e;
    }
  }

  static RedisClientForTests connect(RealRedis redis) {
    return connect(redis, Duration.ofSeconds(5));
  }

  /** A client that has not connected yet, for asserting that connecting fails. */
  static RedisClient newClient(RealRedis redis) {
    RedisClient client = RedisClient.create(RESOURCES, redis.uri());
    client.setOptions(ClientOptions.builder().autoReconnect(false).build());
    return client;
  }

  static void shutdown(RedisClient client) {
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

  RedisCommands<String, String> sync() {
    return connection.sync();
  }

  @Override
  public void close() {
    connection.close();
    shutdown(client);
  }
}
