package io.fleetrotate.lock.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands the grants that a release (or a promotion after an expiry) sends to this client's channel
 * to its waiting acquires. The message is {@code "token=fence"}: the grant is already made on the
 * server, so the waiter needs no further round trip.
 */
final class RedisReleaseListener extends RedisPubSubAdapter<String, String> {

  private final ConcurrentHashMap<String, CompletableFuture<Long>> waiters =
      new ConcurrentHashMap<>();
  private volatile boolean subscribed;

  /** Completes with the fencing token once a message names {@code token}. */
  CompletableFuture<Long> register(String token) {
    CompletableFuture<Long> granted = new CompletableFuture<>();
    waiters.put(token, granted);
    return granted;
  }

  void unregister(String token) {
    waiters.remove(token);
  }

  boolean isSubscribed() {
    return subscribed;
  }

  /** Called once the server confirmed the subscription; Lettuce renews it after a reconnect. */
  void subscribed() {
    subscribed = true;
  }

  @Override
  public void message(String channel, String message) {
    int from = 0;
    while (from < message.length()) {
      int end = message.indexOf(' ', from);
      if (end < 0) {
        end = message.length();
      }
      int eq = message.lastIndexOf('=', end - 1);
      if (eq > from) {
        CompletableFuture<Long> waiter = waiters.get(message.substring(from, eq));
        if (waiter != null) {
          try {
            waiter.complete(Long.parseLong(message.substring(eq + 1, end)));
          } catch (NumberFormatException ignored) {
            // Not ours to judge: the waiter's next poll asks the server.
          }
        }
      }
      from = end + 1;
    }
  }
}
