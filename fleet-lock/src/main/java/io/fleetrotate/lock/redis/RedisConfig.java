package io.fleetrotate.lock.redis;

import io.fleetrotate.config.TlsConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code lock.redis}.
 *
 * <p>Which kind of Redis the URI points at:
 *
 * <ul>
 *   <li>a standalone server: {@code redis://[:password@]host:6379[/db]}, or {@code rediss://} for
 *       TLS, or {@code redis-socket:///path/to/redis.sock};
 *   <li>a Sentinel-managed master: {@code redis-sentinel://[:password@]s1:26379,s2:26379#mymaster}
 *       ({@code rediss-sentinel://} for TLS); the agent asks the sentinels for the master and
 *       follows a failover;
 *   <li>a Redis Cluster: {@code cluster: true} with one or more seed nodes in one URI, {@code
 *       redis://[:password@]n1:6379,n2:6379,n3:6379} ({@code rediss://} for TLS); the agent
 *       discovers the other nodes. All keys of a rotation group share one hash tag, so each group
 *       lives on one shard.
 * </ul>
 *
 * A password (and a user, {@code redis://user:password@host}) in the URI is sent with AUTH (HELLO);
 * for Sentinel it is the master's password. An ACL user needs only the keys {@code fleetrotate:*},
 * the channels {@code fleetrotate:granted:*} and the commands in README's "Redis ACL for the lock".
 * With TLS, the server's certificate is checked against the JVM's trusted CAs, or against {@code
 * tls.ca} when given (the older key {@code caFile} means the same), and the agent presents {@code
 * tls.cert} and {@code tls.key} to a server that asks for a client certificate; {@code
 * ?verifyPeer=NONE} in the URI turns the check off (tests only).
 *
 * @param uri a Lettuce Redis URI: {@code redis://}, {@code rediss://}, {@code redis-sentinel://},
 *     {@code rediss-sentinel://} or {@code redis-socket://}, possibly with a password
 * @param cluster whether {@code uri} names seed nodes of a Redis Cluster (default false); only with
 *     {@code redis://} or {@code rediss://}
 * @param tls the CA that signs the server's certificate (a private CA's PEM file; absent means the
 *     JVM's trust store) and the agent's client certificate
 */
public record RedisConfig(String uri, boolean cluster, TlsConfig tls) {
  public RedisConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(tls, "tls");
  }

  /** Only a CA, no client certificate. */
  public RedisConfig(String uri, boolean cluster, Optional<Path> caFile) {
    this(uri, cluster, new TlsConfig(caFile, Optional.empty(), Optional.empty()));
  }

  /** A standalone or Sentinel URI, trusting the JVM's CAs. */
  public RedisConfig(String uri) {
    this(uri, false, TlsConfig.NONE);
  }

  /** The PEM file of the CA that signs the server's certificate, if not the JVM's. */
  public Optional<Path> caFile() {
    return tls.ca();
  }

  /** Leaves out a password in the URI: this string ends up in logs. */
  @Override
  public String toString() {
    return "RedisConfig[uri="
        + uri.replaceFirst("//[^@/]*@", "//***@")
        + (cluster ? ", cluster" : "")
        + tls.ca().map(f -> ", tls.ca=" + f).orElse("")
        + tls.cert().map(f -> ", tls.cert=" + f).orElse("")
        + "]";
  }
}
