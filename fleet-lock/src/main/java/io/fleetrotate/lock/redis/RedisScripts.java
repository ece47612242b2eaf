package io.fleetrotate.lock.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts of the Redis fleet lock: each is {@code redis-common.lua} followed by its body,
 * called by EVALSHA so that only the digest travels, and sent whole by EVAL (which also caches it
 * on the server) when the server answers NOSCRIPT, e.g. after a restart or a SCRIPT FLUSH.
 */
enum RedisScripts {
  /** Grants or enqueues; returns {@code [1, fencing token]} or {@code [0, ms until an expiry]}. */
  ACQUIRE("redis-acquire.lua", ScriptOutputType.MULTI),
  /** Owner-checked release (or leaving the queue), then hand-off to the next waiters. */
  RELEASE("redis-release.lua", ScriptOutputType.INTEGER),
  /** Owner-checked extension of a grant; 1 if extended, 0 if no longer held. */
  RENEW("redis-renew.lua", ScriptOutputType.INTEGER),
  /** Raises the group's fencing counter to at least a token; 1 if raised, 0 if already there. */
  RAISE_FENCE("redis-raise-fence.lua", ScriptOutputType.INTEGER);

  private final String text;
  private final String sha;
  private final ScriptOutputType output;

  RedisScripts(String body, ScriptOutputType output) {
    this.text = resource("redis-common.lua") + "\n" + resource(body);
    this.sha = sha1(text);
    this.output = output;
  }

  /** The SHA-1 digest the server knows the script by. */
  String sha() {
    return sha;
  }

  String text() {
    return text;
  }

  /** Runs the script by its digest, and by its text if the server does not have it (NOSCRIPT). */
  <T> CompletableFuture<T> call(
      RedisScriptingAsyncCommands<String, String> redis, String[] keys, String... args) {
    CompletableFuture<T> bySha = redis.<T>evalsha(sha, output, keys, args).toCompletableFuture();
    return bySha.exceptionallyCompose(
        failure -> {
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          if (cause instanceof RedisNoScriptException) {
            return redis.<T>eval(text, output, keys, args).toCompletableFuture();
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /** The shared head of every script, {@code redis-common.lua}, for tests of its functions. */
  static String common() {
    return resource("redis-common.lua");
  }

  private static String resource(String name) {
    try (InputStream in = RedisScripts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the lock script " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lock script " + name, e);
    }
  }

  private static String sha1(String text) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha1.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1", e);
    }
  }
}
