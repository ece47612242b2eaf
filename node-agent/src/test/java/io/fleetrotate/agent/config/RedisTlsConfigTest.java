package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.testsupport.RedisServerProcess;
import io.fleetrotate.testsupport.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lock.redis.tls}, read from YAML as an operator writes it: a real redis-server on a TLS
 * port with a certificate from a private CA made by openssl, asking for client certificates.
 * Trusted with {@code tls.ca}; without it, a refusal naming the key to set.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTlsConfigTest {
  @TempDir Path dir;

  @Test
  void aPrivateCaAndAClientCertificateFromTheConfigGetALease() throws Exception {
    TestCa ca = TestCa.make(dir);
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess server = startTls(ca, tlsPort)) {
      String tls =
          "{ ca: %s, cert: %s, key: %s }".formatted(ca.ca(), ca.clientCert(), ca.clientKey());
      try (FleetLock lock = open(config("rediss://127.0.0.1:" + tlsPort, tls));
          Lease lease = lock.acquire("tls", 0.5, Duration.ofSeconds(10))) {
        lease.checkValid();
        assertThat(lease.fencingToken()).isPositive();
      }
    }
  }

  @Test
  void withoutTheCaTheCertificateIsNotTrustedAndThatIsARefusal() throws Exception {
    TestCa ca = TestCa.make(dir);
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess server = startTls(ca, tlsPort)) {
      String tls = "{ cert: %s, key: %s }".formatted(ca.clientCert(), ca.clientKey());
      try (FleetLock lock = open(config("rediss://127.0.0.1:" + tlsPort, tls))) {
        assertThatThrownBy(() -> lock.acquire("tls", 0.5, Duration.ofSeconds(10)))
            .isInstanceOf(LockRefusedException.class)
            .hasMessageContaining("127.0.0.1:" + tlsPort)
            .hasMessageContaining("certificate not trusted; set lock.redis.tls.ca");
      }
    }
  }

  @Test
  void withoutAClientCertificateAServerThatAsksForOneGrantsNothing() throws Exception {
    TestCa ca = TestCa.make(dir);
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess server = startTls(ca, tlsPort)) {
      try (FleetLock lock =
          open(config("rediss://127.0.0.1:" + tlsPort, "{ ca: " + ca.ca() + " }"))) {
        assertThatThrownBy(() -> lock.acquire("tls", 0.5, Duration.ofSeconds(5)))
            .isInstanceOf(LockUnavailableException.class);
      }
    }
  }

  private static RedisServerProcess startTls(TestCa ca, int tlsPort) throws Exception {
    return RedisServerProcess.start(
        "--port", "0",
        "--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", ca.serverCert().toString(),
        "--tls-key-file", ca.serverKey().toString(),
        "--tls-ca-cert-file", ca.ca().toString(),
        "--tls-auth-clients", "yes");
  }

  private static FleetLock open(AgentConfig c) throws Exception {
    return c.lock().open(c.stateDir());
  }

  private AgentConfig config(String uri, String tls) throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: tls-test, group: g }
            stateDir: %s
            lock:
              backend: redis
              redis: { uri: "%s", tls: %s }
            files:
              - path: %s
            """
                .formatted(dir.resolve("state"), uri, tls, dir.resolve("server.log")));
    return ConfigLoader.load(yaml, Map.of());
  }
}
