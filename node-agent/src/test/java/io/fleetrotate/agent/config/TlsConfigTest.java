package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import io.fleetrotate.config.TlsConfig;
import io.fleetrotate.testsupport.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordinator.tls} and {@code lock.redis.tls}: PEM files checked when the config is read.
 */
class TlsConfigTest {
  @TempDir Path dir;

  private Path write(String coordinatorTls, String redisTls) throws Exception {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        "node: { id: n1, group: g }\n"
            + "coordinator: { url: \"https://coordinator:8420\", tls: "
            + coordinatorTls
            + " }\n"
            + "lock:\n  backend: redis\n  redis: { uri: \"rediss://redis:6379\", tls: "
            + redisTls
            + " }\n"
            + "files:\n  - path: /var/log/app.log\n");
  }

  @Test
  void aCaAndAClientCertificateAreReadForBothServices() throws Exception {
    TestCa ca = TestCa.make(dir);
    String tls =
        "{ ca: %s, cert: %s, key: %s }".formatted(ca.ca(), ca.clientCert(), ca.clientKey());
    AgentConfig c = ConfigLoader.load(write(tls, tls), Map.of());
    TlsConfig expected =
        new TlsConfig(
            Optional.of(ca.ca()), Optional.of(ca.clientCert()), Optional.of(ca.clientKey()));
    assertThat(c.coordinator().orElseThrow().tls()).isEqualTo(expected);
    assertThat(c.lock().redis().orElseThrow().tls()).isEqualTo(expected);
    assertThat(expected.sslContext()).isNotNull();
  }

  @Test
  void aMissingCaFileIsOneSentenceAtItsKeyPath() throws Exception {
    TestCa ca = TestCa.make(dir);
    Path missing = dir.resolve("nope.pem");
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    write("{ ca: " + missing + " }", "{ ca: " + ca.ca() + " }"), Map.of()));
    assertThat(e).isNotNull();
    assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("coordinator.tls.ca");
    assertThat(e.errors().get(0).message())
        .isEqualTo(
            missing
                + " does not exist; give the PEM certificate of the CA that signs the server's"
                + " certificate");
  }

  @Test
  void anUnparsableCaFileOrKeyIsRefused() throws Exception {
    TestCa ca = TestCa.make(dir);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    write(
                        "{ ca: " + ca.ca() + " }",
                        "{ ca: %s, cert: %s, key: %s }"
                            .formatted(garbage, ca.clientCert(), ca.clientCert())),
                    Map.of()));
    assertThat(e).isNotNull();
    assertThat(e.errors())
        .extracting(ConfigError::keyPath)
        .containsExactlyInAnyOrder("lock.redis.tls.ca", "lock.redis.tls.key");
    assertThat(e.errors())
        .extracting(ConfigError::message)
        .allSatisfy(m -> assertThat(m).doesNotContain("\n").contains(dir.toString()));
  }

  @Test
  void aCertificateWithoutItsKeyIsRefused() throws Exception {
    TestCa ca = TestCa.make(dir);
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    write("{ cert: " + ca.clientCert() + " }", "{ ca: " + ca.ca() + " }"),
                    Map.of()));
    assertThat(e).isNotNull();
    assertThat(e.errors()).extracting(ConfigError::keyPath).containsExactly("coordinator.tls.cert");
  }
}
