package io.fleetrotate.lock.redis;

import io.fleetrotate.config.TlsConfig;
import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.LockUnavailableException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two connections of one {@link RedisFleetLock}: one for the scripts, one for pub/sub (opened
 * on the first wait), to a standalone server, a Sentinel-managed master or a Cluster. Neither
 * opening blocks the agent (the script connection starts opening when the client is made), so an
 * agent starts while Redis is down; once open, Lettuce reconnects them by itself (within a second
 * of the server coming back). To a standalone or Sentinel-managed server, commands are rejected at
 * once while disconnected rather than queued; in a Cluster they wait for the node's connection, at
 * most the command timeout.
 */
final class RedisConnections {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private final RedisConfig config;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final RedisURI uri; // null for a Cluster

  // Guarded by this; volatile for the lock-free read on the hot path.
  private volatile StatefulConnection<String, String> commandConnection;
  private volatile RedisScriptingAsyncCommands<String, String> commands;
  private volatile StatefulRedisPubSubConnection<String, String> pubSub;
  private CompletableFuture<? extends StatefulConnection<String, String>> openingCommands;
  private CompletableFuture<? extends StatefulRedisPubSubConnection<String, String>> openingPubSub;
  private volatile boolean closed;

  /**
   * @throws IllegalArgumentException the URI cannot be parsed
   */
  RedisConnections(RedisConfig config) {
    this.config = config;
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(1)
            .computationThreadPoolSize(1)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    SocketOptions socket =
        SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(COMMAND_TIMEOUT);
    SslOptions ssl = sslOptions(config.tls());
    try {
      if (config.cluster()) {
        List<RedisURI> seeds = RedisClusterURIUtil.toRedisURIs(URI.create(config.uri()));
        seeds.forEach(s -> s.setTimeout(COMMAND_TIMEOUT));
        RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
        cluster.setOptions(
            ClusterClientOptions.builder()
                .topologyRefreshOptions(
                    ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofMinutes(1))
                        .build())
                // Node connections open on a node's first command, so a command must be
                // allowed to wait for one (bounded by the command timeout and the caller's).
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(timeouts)
                .socketOptions(socket)
                .sslOptions(ssl)
                .build());
        this.client = cluster;
        this.uri = null;
      } else {
        RedisURI parsed = RedisURI.create(config.uri());
        parsed.setTimeout(COMMAND_TIMEOUT);
        RedisClient single = RedisClient.create(resources);
        single.setOptions(
            ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(timeouts)
                .socketOptions(socket)
                .sslOptions(ssl)
                .build());
        this.client = single;
        this.uri = parsed;
      }
    } catch (RuntimeException e) {
      resources.shutdown(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalArgumentException(
          "cannot use lock.redis " + config + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JDK's TLS with {@code tls.ca} as the only trusted CA, and the client certificate if any.
   */
  private static SslOptions sslOptions(TlsConfig tls) {
    if (!tls.isConfigured()) {
      return SslOptions.create();
    }
    SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
    tls.ca().ifPresent(ca -> b.trustManager(ca.toFile()));
    if (tls.cert().isPresent()) {
      b.keyManager(tls.cert().get().toFile(), tls.key().orElseThrow().toFile(), null);
    }
    return b.build();
  }

  /** Where the lock lives, without a password: for messages. */
  String describe() {
    return config.toString();
  }

  /**
   * Starts opening the script connection without waiting for it, so that the first acquire finds it
   * ready; if this attempt fails, the first acquire tries again.
   */
  void openSoon() {
    CompletableFuture<? extends StatefulConnection<String, String>> opening;
    synchronized (this) {
      if (closed || commands != null || openingCommands != null) {
        return;
      }
      opening = startOpeningCommands();
    }
    opening.whenComplete(
        (connection, failure) -> {
          if (failure == null) {
            adoptCommands(opening, connection);
          } else {
            forget(opening);
          }
        });
  }

  /**
   * The script connection, opened on first use.
   *
   * @param boundNanos how long to wait for a connection being opened
   */
  RedisScriptingAsyncCommands<String, String> commands(long boundNanos)
      throws LockUnavailableException, InterruptedException {
    RedisScriptingAsyncCommands<String, String> c = commands;
    if (c != null) {
      return c;
    }
    CompletableFuture<? extends StatefulConnection<String, String>> opening;
    synchronized (this) {
      checkOpen();
      if (commands != null) {
        return commands;
      }
      opening = openingCommands != null ? openingCommands : startOpeningCommands();
    }
    adoptCommands(opening, awaitOpening(opening, boundNanos));
    synchronized (this) {
      checkOpen();
      return commands;
    }
  }

  private CompletableFuture<? extends StatefulConnection<String, String>> startOpeningCommands() {
    openingCommands =
        client instanceof RedisClusterClient cluster
            ? withTopology(cluster).thenCompose(v -> cluster.connectAsync(StringCodec.UTF8))
            : ((RedisClient) client).connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    return openingCommands;
  }

  private synchronized void adoptCommands(
      CompletableFuture<? extends StatefulConnection<String, String>> opening,
      StatefulConnection<String, String> connection) {
    if (openingCommands != opening) {
      return; // adopted by another caller already
    }
    openingCommands = null;
    commandConnection = connection;
    commands =
        connection instanceof StatefulRedisClusterConnection<String, String> cluster
            ? cluster.async()
            : ((StatefulRedisConnection<String, String>) connection).async();
    if (closed) {
      connection.closeAsync();
    }
  }

  private synchronized void forget(CompletableFuture<?> opening) {
    if (openingCommands == opening) {
      openingCommands = null;
    }
    if (openingPubSub == opening) {
      openingPubSub = null;
    }
  }

  /** The script connection if it is open; for releases, which only follow a grant. */
  RedisScriptingAsyncCommands<String, String> openCommands() throws LockUnavailableException {
    RedisScriptingAsyncCommands<String, String> c = commands;
    if (c == null) {
      throw new LockUnavailableException("not connected to Redis " + describe());
    }
    return c;
  }

  /** The pub/sub connection with {@code listener} on it, opened on first use. */
  StatefulRedisPubSubConnection<String, String> pubSub(
      RedisPubSubListener<String, String> listener, long boundNanos)
      throws LockUnavailableException, InterruptedException {
    StatefulRedisPubSubConnection<String, String> p = pubSub;
    if (p != null) {
      return p;
    }
    CompletableFuture<? extends StatefulRedisPubSubConnection<String, String>> opening;
    synchronized (this) {
      checkOpen();
      if (pubSub != null) {
        return pubSub;
      }
      if (openingPubSub == null) {
        openingPubSub =
            client instanceof RedisClusterClient cluster
                ? withTopology(cluster)
                    .thenCompose(v -> cluster.connectPubSubAsync(StringCodec.UTF8))
                : ((RedisClient) client)
                    .connectPubSubAsync(StringCodec.UTF8, uri)
                    .toCompletableFuture();
      }
      opening = openingPubSub;
    }
    StatefulRedisPubSubConnection<String, String> connection = awaitOpening(opening, boundNanos);
    synchronized (this) {
      if (openingPubSub == opening) {
        openingPubSub = null;
        connection.addListener(listener);
        pubSub = connection;
        if (closed) {
          connection.closeAsync();
        }
      }
      checkOpen();
      return pubSub;
    }
  }

  /** The cluster's slot map, which the asynchronous connect does not load by itself. */
  private static CompletableFuture<Void> withTopology(RedisClusterClient cluster) {
    return cluster.refreshPartitionsAsync().toCompletableFuture();
  }

  private <C> C awaitOpening(CompletableFuture<? extends C> opening, long boundNanos)
      throws LockUnavailableException, InterruptedException {
    try {
      return opening.get(boundNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Still opening: the next caller waits for the same attempt.
      throw new LockUnavailableException(
          "Redis "
              + describe()
              + " did not accept a connection within "
              + TimeUnit.NANOSECONDS.toMillis(boundNanos)
              + " ms");
    } catch (ExecutionException e) {
      forget(opening);
      throw unavailable(e.getCause());
    }
  }

  private void checkOpen() throws LockUnavailableException {
    if (closed) {
      throw new LockUnavailableException("the Redis lock client was closed");
    }
  }

  /**
   * What a failure means for the lock: a refusal ({@link LockRefusedException}, a configuration
   * error) when Redis answered with an error only a change of configuration fixes, or when its TLS
   * certificate is not trusted; else an outage.
   */
  LockUnavailableException unavailable(Throwable e) {
    LockRefusedException refused =
        RedisRefusals.refusal(e, describe(), config.tls().ca().isPresent());
    if (refused != null) {
      return refused;
    }
    String why = e.getMessage();
    if (e.getCause() != null && e.getCause().getMessage() != null) {
      why = why + " (" + e.getCause().getMessage() + ")";
    }
    return new LockUnavailableException("cannot reach Redis " + describe() + ": " + why, e);
  }

  /** Closes the connections and the client's threads; waits at most a few seconds. */
  void close() {
    closeWithin(COMMAND_TIMEOUT);
  }

  /** As a SIGKILL would: drops the connections at once, nothing flushed. */
  void crash() {
    closeWithin(Duration.ZERO);
  }

  private void closeWithin(Duration wait) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      commands = null;
      commandConnection = null;
      pubSub = null;
      openingCommands = null;
      openingPubSub = null;
    }
    // Not under the lock: closing waits for Lettuce's threads, which may need it to finish an
    // opening connection.
    long waitMs = wait.toMillis();
    try {
      client
          .shutdownAsync(0, waitMs, TimeUnit.MILLISECONDS)
          .get(waitMs + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Nothing more to do: the threads are daemons and the server drops the connections.
    }
    resources.shutdown(0, waitMs, TimeUnit.MILLISECONDS);
  }
}
