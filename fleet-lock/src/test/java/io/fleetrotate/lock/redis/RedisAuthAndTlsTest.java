package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.lock.QueueOrder;
import io.fleetrotate.testsupport.RedisServerProcess;
import io.fleetrotate.testsupport.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The URI's password and user reach Redis (AUTH through HELLO), and TLS checks the server's
 * certificate against {@code caFile}. Each test starts its own redis-server from PATH.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisAuthAndTlsTest {
  static final Duration TTL = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void aPasswordInTheUriIsSentAndAWrongOneIsRefused() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("--requirepass", "s3cret")) {
      String at = "127.0.0.1:" + server.port;
      assertGrants("redis://:s3cret@" + at, Optional.empty());
      assertUnavailable("redis://:wrong@" + at, Optional.empty(), "WRONGPASS");
      assertUnavailable("redis://" + at, Optional.empty(), "NOAUTH");
    }
  }

  /**
   * An ACL user limited to the lock's keys and channels and to the command categories the scripts
   * use is enough (scripts run their commands with the caller's permissions).
   */
  @Test
  void anAclUserLimitedToTheLocksKeysAndChannelsIsEnough() throws Exception {
    try (RedisServerProcess server =
        RedisServerProcess.start(
            "--user",
            "default",
            "off",
            "--user",
            "fleet",
            "on",
            ">pw",
            "~fleetrotate:*",
            "&fleetrotate:*",
            "+@connection",
            "+@scripting",
            "+@sortedset",
            "+@hash",
            "+@string",
            "+@pubsub",
            "+time")) {
      String uri = "redis://fleet:pw@127.0.0.1:" + server.port;
      try (RedisFleetLock a = lock(uri, Optional.empty());
          RedisFleetLock b = lock(uri, Optional.empty())) {
        // A hand-off exercises the waiter's channel too.
        Lease first = a.acquire("acl", 0.5, Duration.ofSeconds(5));
        Thread waiter =
            new Thread(
                () -> {
                  try {
                    first.checkValid();
                    Thread.sleep(300);
                    first.close();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        waiter.start();
        try (Lease second = b.acquire("acl", 0.5, Duration.ofSeconds(10))) {
          assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        }
        waiter.join();
      }
    }
  }

  @Test
  void tlsChecksTheServerCertificateAgainstTheCaFile() throws Exception {
    TestCa made = TestCa.make(dir);
    Path ca = made.ca();
    Path cert = made.serverCert();
    Path key = made.serverKey();
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess server =
        RedisServerProcess.start(
            "--port", "0",
            "--tls-port", Integer.toString(tlsPort),
            "--tls-cert-file", cert.toString(),
            "--tls-key-file", key.toString(),
            "--tls-ca-cert-file", ca.toString(),
            "--tls-auth-clients", "no")) {
      String uri = "rediss://127.0.0.1:" + tlsPort;
      assertGrants(uri, Optional.of(ca));
      // The JVM's trust store does not know this CA: no lease over an unchecked connection.
      assertUnavailable(uri, Optional.empty(), "PKIX");
      // A plain connection to the TLS port gets nowhere either.
      assertUnavailableWithin("redis://127.0.0.1:" + tlsPort, Optional.empty());
    }
  }

  private static RedisFleetLock lock(String uri, Optional<Path> caFile) {
    return new RedisFleetLock(new RedisConfig(uri, false, caFile), 1, TTL, QueueOrder.defaults());
  }

  private static void assertGrants(String uri, Optional<Path> caFile) throws Exception {
    try (RedisFleetLock c = lock(uri, caFile);
        Lease lease = c.acquire("secure", 0.5, Duration.ofSeconds(5))) {
      lease.checkValid();
      assertThat(lease.fencingToken()).isPositive();
    }
  }

  private static void assertUnavailable(String uri, Optional<Path> caFile, String why) {
    try (RedisFleetLock c = lock(uri, caFile)) {
      assertThatThrownBy(() -> c.acquire("secure", 0.5, Duration.ofSeconds(5)))
          .isInstanceOf(LockUnavailableException.class)
          .hasStackTraceContaining(why);
    }
  }

  private static void assertUnavailableWithin(String uri, Optional<Path> caFile) {
    try (RedisFleetLock c = lock(uri, caFile)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> c.acquire("secure", 0.5, Duration.ofSeconds(5)))
          .isInstanceOf(LockUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }
  }
}
