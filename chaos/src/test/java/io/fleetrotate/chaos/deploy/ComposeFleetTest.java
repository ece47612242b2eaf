package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The whole Docker Compose fleet, built and run with Testcontainers' {@link ComposeContainer}
 * (local {@code docker compose}), where a Docker engine is reachable: every agent reports, every
 * host rotates through the signal sent across containers, Prometheus scrapes every target and loads
 * the rules, Grafana serves the provisioned dashboard and datasource.
 *
 * <p>Without a Docker engine it prints why and is skipped, under CI=true too: CI machines have no
 * Docker engine. There, {@link ComposeFileTest} and {@link DockerfileTest} check the files
 * statically, {@link ComposeHostsTest} runs the hosts' configuration as processes, and {@link
 * PrometheusFleetTest} runs Prometheus against a process fleet.
 */
class ComposeFleetTest {
  private static final String AGENT_TOKEN = "compose-test-agent-token-0123456789";
  private static final String ADMIN_TOKEN = "compose-test-admin-token-0123456789";
  // The compose default, the token deploy/prometheus/scrape-token holds for Prometheus.
  private static final String SCRAPE = "Bearer compose-scrape-token-change-me";
  private static final Pattern SUCCESSES =
      Pattern.compile(
          "(?m)^fleetrotate_rotations_total\\{node=\"([^\"]+)\"[^}]*result=\"SUCCESS\"[^}]*} (\\S+)$");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  @Test
  void theComposeFleetRotatesReportsAndIsScraped() throws Exception {
    if (!dockerAvailable()) {
      String why =
          "no Docker engine is reachable, so the compose fleet cannot run here (CI has none"
              + " either: this test is skipped there too; ComposeFileTest, DockerfileTest,"
              + " ComposeHostsTest and PrometheusFleetTest ran instead)";
      System.out.println("ComposeFleetTest: " + why);
      Assumptions.abort(why);
    }
    long t0 = System.nanoTime();
    try (ComposeContainer fleet =
        new ComposeContainer(
                "fleetrotate-compose-test", ComposeProject.file("docker-compose.yml").toFile())
            .withBuild(true)
            .withEnv("FLEETROTATE_AGENT_TOKEN", AGENT_TOKEN)
            .withEnv("FLEETROTATE_ADMIN_TOKEN", ADMIN_TOKEN)
            .withRemoveVolumes(true)
            .withExposedService("coordinator", 8420, Wait.forHttp("/health").forStatusCode(200))
            .withExposedService("prometheus", 9090, Wait.forHttp("/-/ready").forStatusCode(200))
            .withExposedService("grafana", 3000, Wait.forHttp("/api/health").forStatusCode(200))
            .withStartupTimeout(Duration.ofMinutes(20))) {
      fleet.start();
      System.out.printf(
          "ComposeFleetTest: built and started in %.0f s%n", (System.nanoTime() - t0) / 1e9);
      String coordinator = url(fleet, "coordinator", 8420);
      String prometheus = url(fleet, "prometheus", 9090);
      String grafana = url(fleet, "grafana", 3000);

      await("three nodes up")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(
              () ->
                  json.readTree(get(coordinator + "/api/v1/fleet", "Bearer " + ADMIN_TOKEN))
                          .path("nodes")
                          .path("up")
                          .asInt()
                      == 3);

      // ~30 KiB/s per server against a 1 MiB trigger: each host rotates within a minute or two.
      await("a successful rotation on every host")
          .atMost(Duration.ofMinutes(6))
          .pollInterval(Duration.ofSeconds(5))
          .ignoreExceptions()
          .until(
              () ->
                  rotatedNodes(get(coordinator + "/metrics", SCRAPE))
                      .containsAll(ComposeProject.HOSTS));

      for (String host : ComposeProject.HOSTS) {
        ContainerState agent =
            fleet
                .getContainerByServiceName(host + "-agent")
                .orElseThrow(() -> new AssertionError(host));
        ExecResult ls = agent.execInContainer("sh", "-c", "ls -a /var/log/mcp-server");
        assertThat(ls.getStdout()).as(host).contains("server.log", ".zst");
        ExecResult health = agent.execInContainer("/opt/fleetrotate/healthcheck.sh", "8421");
        assertThat(health.getExitCode()).as(host + " healthcheck").isZero();
      }
      // The reopen signal crossed the container boundary: no rotation failed (REOPEN_FAILED).
      assertThat(get(coordinator + "/metrics", SCRAPE)).doesNotContain("result=\"FAILED\"");

      await("prometheus scrapes the coordinator and the three agents")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(
              () ->
                  json.readTree(get(prometheus + "/api/v1/query?query=" + enc("sum(up)"), null))
                          .path("data")
                          .path("result")
                          .path(0)
                          .path("value")
                          .path(1)
                          .asDouble()
                      == 4.0);
      JsonNode rules =
          json.readTree(get(prometheus + "/api/v1/rules", null))
              .path("data")
              .path("groups")
              .get(0)
              .path("rules");
      assertThat(rules.size()).isEqualTo(7);

      assertThat(get(grafana + "/api/search?query=fleetrotate", null))
          .contains("\"uid\":\"fleetrotate\"");
      String admin =
          "Basic "
              + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
      assertThat(get(grafana + "/api/datasources/uid/prometheus/health", admin)).contains("OK");
    }
  }

  private static Set<String> rotatedNodes(String exposition) {
    Set<String> nodes = new HashSet<>();
    Matcher m = SUCCESSES.matcher(exposition);
    while (m.find()) {
      if (Double.parseDouble(m.group(2)) > 0) {
        nodes.add(m.group(1));
      }
    }
    return nodes;
  }

  private static String url(ComposeContainer fleet, String service, int port) {
    return "http://"
        + fleet.getServiceHost(service, port)
        + ":"
        + fleet.getServicePort(service, port);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private String get(String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(url + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }
}
