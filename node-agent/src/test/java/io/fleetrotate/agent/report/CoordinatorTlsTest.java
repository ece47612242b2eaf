package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.config.CoordinatorConfig;
import io.fleetrotate.config.TlsConfig;
import io.fleetrotate.testsupport.TestCa;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordinator.tls}: a real HTTPS server (Vert.x) with a certificate from a private CA made
 * by openssl, asking for a client certificate. Trusted with {@code tls.ca}; without it, one
 * sentence naming the URL and the key to set.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoordinatorTlsTest {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private TestCa ca;
  private URI url;

  @BeforeEach
  void startHttpsCoordinator() throws Exception {
    ca = TestCa.make(dir);
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(ca.serverCert().toString())
                            .setKeyPath(ca.serverKey().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(ca.ca().toString()))
                    .setClientAuth(ClientAuth.REQUEST))
            .requestHandler(
                r ->
                    r.response()
                        .setStatusCode(r.isSSL() && r.connection().isSsl() ? 200 : 500)
                        .end(
                            hasClientCertificate(r)
                                ? "client-certificate"
                                : "no-client-certificate"))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    url = URI.create("https://127.0.0.1:" + server.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePrivateCaIsTrustedAndTheClientCertificatePresented() throws Exception {
    CoordinatorClient client =
        client(
            new TlsConfig(
                Optional.of(ca.ca()), Optional.of(ca.clientCert()), Optional.of(ca.clientKey())));

    CoordinatorResponse r = client.post(CoordinatorClient.HEARTBEATS, new byte[0], SECONDS_10);

    assertThat(r.status()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("client-certificate");
  }

  @Test
  void withoutTheCaTheCertificateIsNotTrustedInOneSentenceNamingTheKey() throws Exception {
    CoordinatorClient client = client(TlsConfig.NONE);

    assertThatThrownBy(() -> client.post(CoordinatorClient.HEARTBEATS, new byte[0], SECONDS_10))
        .isInstanceOf(IOException.class)
        .satisfies(
            e ->
                assertThat(
                        "cannot reach the coordinator at "
                            + client.url()
                            + " ("
                            + CoordinatorLink.describe((IOException) e)
                            + ")")
                    .isEqualTo(
                        "cannot reach the coordinator at "
                            + url
                            + " (certificate not trusted; set coordinator.tls.ca to the PEM file"
                            + " of the CA that signed it)"));
  }

  private static final Duration SECONDS_10 = Duration.ofSeconds(10);

  private CoordinatorClient client(TlsConfig tls) throws IOException {
    return new CoordinatorClient(
        new CoordinatorConfig(url, Optional.empty(), Duration.ofSeconds(15), tls),
        Duration.ofSeconds(5),
        Clock.systemUTC());
  }

  private static boolean hasClientCertificate(io.vertx.core.http.HttpServerRequest r) {
    try {
      return !r.connection().peerCertificates().isEmpty();
    } catch (Exception e) {
      return false;
    }
  }
}
