package io.fleetrotate.lock.redis;

import io.fleetrotate.config.TlsConfig;
import io.fleetrotate.lock.LockRefusedException;
import io.lettuce.core.RedisCommandExecutionException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;

/**
 * Tells a Redis refusal (an error reply only a change of configuration fixes, or a certificate the
 * client does not trust) from an outage, and words it as one sentence naming what to fix.
 */
final class RedisRefusals {
  /**
   * Error codes that mean this client is not allowed or the keys are not the lock's. Everything
   * else (LOADING, BUSY, MASTERDOWN, TRYAGAIN, CLUSTERDOWN, READONLY, OOM, MISCONF, ...) passes
   * with time or a failover and stays an outage.
   */
  private static final Set<String> REFUSING =
      Set.of("WRONGPASS", "NOAUTH", "NOPERM", "WRONGTYPE", "NOSCRIPT", "ERR");

  private RedisRefusals() {}

  /**
   * @param where the server, without a password, for the message
   * @param tlsCaConfigured whether {@code lock.redis.tls.ca} is set already
   * @return the refusal {@code failure} stands for, or null if it is an outage
   */
  static LockRefusedException refusal(Throwable failure, String where, boolean tlsCaConfigured) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RedisCommandExecutionException reply) {
        String text = firstLine(reply.getMessage());
        String code = text.split(" ", 2)[0];
        if (!REFUSING.contains(code) || isTransientErr(text)) {
          return null;
        }
        return new LockRefusedException(sentence(code, text, where), failure);
      }
      if (t instanceof SSLHandshakeException && TlsConfig.isUntrustedCertificate(t)) {
        return new LockRefusedException(
            "Redis "
                + where
                + ": certificate not trusted; "
                + (tlsCaConfigured
                    ? "check that lock.redis.tls.ca holds the CA that signed the server's"
                        + " certificate and that the certificate names the host in the uri"
                    : "set lock.redis.tls.ca to the PEM file of the CA that signed it")
                + ".",
            failure);
      }
    }
    return null;
  }

  private static String sentence(String code, String text, String where) {
    String redis = "Redis " + where;
    return switch (code) {
      case "WRONGPASS" ->
          redis + " refused the user or password in lock.redis.uri (" + text + "); fix them there.";
      case "NOAUTH" ->
          redis
              + " requires a password ("
              + text
              + "); put one in lock.redis.uri, e.g. redis://user:password@host:6379.";
      case "NOPERM" ->
          redis
              + " does not let this user run a command of the lock ("
              + text
              + "); grant it the ACL rules of README's \"Redis ACL for the lock\".";
      case "WRONGTYPE" ->
          redis
              + " holds a key of the lock with the wrong type ("
              + text
              + "); another program writes keys under fleetrotate:, so delete them or give the"
              + " lock a database of its own.";
      default ->
          redis
              + " refused the lock's command ("
              + text
              + "); check that the server is Redis 6.2 or later, that its ACL allows the lock's"
              + " scripts, and that no other program writes keys under fleetrotate:.";
    };
  }

  /** {@code ERR max number of clients reached} passes when other clients leave. */
  private static boolean isTransientErr(String text) {
    return text.toLowerCase(Locale.ROOT).startsWith("err max number of clients");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
