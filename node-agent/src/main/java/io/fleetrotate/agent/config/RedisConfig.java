package io.fleetrotate.agent.config;

import java.util.Objects;

/**
 * {@code lock.redis}.
 *
 * @param uri a Lettuce Redis URI: {@code redis://}, {@code rediss://}, {@code redis-sentinel://},
 *     {@code rediss-sentinel://} or {@code redis-socket://}, possibly with a password
 */
public record RedisConfig(String uri) {
  public RedisConfig {
    Objects.requireNonNull(uri, "uri");
  }

  /** Leaves out a password in the URI: this string ends up in logs. */
  @Override
  public String toString() {
    return "RedisConfig[uri=" + uri.replaceFirst("//[^@/]*@", "//***@") + "]";
  }
}
