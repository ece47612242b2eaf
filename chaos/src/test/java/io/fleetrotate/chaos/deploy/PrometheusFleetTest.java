package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Prometheus against a real fleet. A coordinator process and an agent process (local lock,
 * reporting to the coordinator, a 16 KiB trigger checked every second) rotate a log the test writes
 * to; Debian's {@code prometheus} scrapes both every second with the repository's configuration and
 * alert rules. Then: {@code up} is 1, the coordinator's rotation counter is above 0, every alert
 * rule evaluates, and every query of the Grafana dashboard evaluates, returning data wherever the
 * fleet has it. The dashboard's metric names are checked against the real {@code /metrics} of both
 * processes first, which needs no Prometheus.
 */
class PrometheusFleetTest {
  private static final Pattern SELECTOR =
      Pattern.compile("\\b(fleetrotate_[a-z0-9_]+)\\b(\\{[^}]*})?");
  private static final Pattern JOB = Pattern.compile("job=\"([a-z]+)\"");

  @TempDir static Path dir;
  static PrometheusTestFleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    long t0 = System.nanoTime();
    fleet = PrometheusTestFleet.start(dir);
    System.out.printf(
        "PrometheusFleetTest: coordinator on 127.0.0.1:%d, agent on 127.0.0.1:%d; first rotation"
            + " counted after %.1f s%n",
        fleet.coordinatorPort, fleet.agentPort, (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void theDashboardQueriesMetricsTheFleetExposes() {
    Set<String> coordinator = PrometheusTestFleet.metricNames(fleet.scrape(fleet.coordinatorPort));
    Set<String> agent = PrometheusTestFleet.metricNames(fleet.scrape(fleet.agentPort));
    Pattern dropped = PrometheusConfigTest.dropPattern();
    agent.removeIf(n -> dropped.matcher(n).matches());
    Set<String> both = new TreeSet<>(coordinator);
    both.addAll(agent);
    List<String> problems = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    ComposeGrafanaTest.queries().forEach(q -> expressions.add(q.panel() + ": " + q.expr()));
    for (var variable : ComposeGrafanaTest.dashboard().path("templating").path("list")) {
      expressions.add(
          "variable "
              + variable.get("name").asText()
              + ": "
              + variable.path("definition").asText());
    }
    for (String e : expressions) {
      Matcher m = SELECTOR.matcher(e);
      boolean any = false;
      while (m.find()) {
        any = true;
        String name = m.group(1);
        Matcher job = JOB.matcher(m.group(2) == null ? "" : m.group(2));
        Set<String> exposed =
            !job.find() ? both : job.group(1).equals("coordinator") ? coordinator : agent;
        if (!exposed.contains(name)) {
          problems.add(name + " (" + (m.group(2) == null ? "any job" : m.group(2)) + ") in " + e);
        }
      }
      if (!any) {
        problems.add("no fleetrotate_ metric in " + e);
      }
    }
    assertThat(problems)
        .as("dashboard metrics the coordinator %s and agent %s do not expose", coordinator, agent)
        .isEmpty();
  }

  @Test
  void theHealthcheckScriptPassesAgainstTheRealProcesses() throws Exception {
    for (int port : List.of(fleet.coordinatorPort, fleet.agentPort)) {
      ComposeTools.Result r = DockerfileTest.healthcheck(port);
      assertThat(r.exit()).as("healthcheck.sh " + port + ": " + r.output()).isZero();
    }
  }

  @Test
  void prometheusScrapesTheFleetEvaluatesTheAlertsAndTheDashboard() throws Exception {
    ComposeTools.require(PrometheusServer.BINARY, "apt-get install prometheus");
    long t0 = System.nanoTime();
    try (PrometheusServer prometheus = PrometheusServer.start(dir, fleet)) {
      try {
        await("up{job=\"coordinator\"} == 1")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> prometheus.value("up{job=\"coordinator\"}") == 1.0);
        await("up{job=\"agent\"} == 1")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> prometheus.value("up{job=\"agent\",node=\"prom-host-1\"}") == 1.0);
        await("sum(fleetrotate_rotations_total{job=\"coordinator\"}) > 0")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    prometheus.value("sum(fleetrotate_rotations_total{job=\"coordinator\"}) > 0")
                        > 0);
        // The query as written: over both jobs (the agent's counter has the same name).
        assertThat(prometheus.value("sum(fleetrotate_rotations_total) > 0")).isPositive();
        assertThat(
                prometheus.value(
                    "sum(fleetrotate_rotations_total{job=\"coordinator\",result=\"SUCCESS\",node=\"prom-host-1\"})"))
            .isPositive();
        // What the agent job drops is gone; what it keeps is there.
        assertThat(
                prometheus.query(
                    "{job=\"agent\",__name__=~\"fleetrotate_rotation_duration_seconds.*|fleetrotate_file_growth_bytes_per_second\"}"))
            .isEmpty();
        assertThat(prometheus.query("fleetrotate_file_size_bytes{job=\"agent\"}")).isNotEmpty();

        // Every alert rule loaded and evaluated without error.
        await("every alert rule evaluated")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> rulesEvaluated(prometheus));
        JsonNode rules =
            prometheus.api("/api/v1/rules").path("data").path("groups").get(0).path("rules");
        assertThat(rules.size()).isEqualTo(8);
        for (JsonNode rule : rules) {
          assertThat(rule.path("health").asText())
              .as(rule.path("name").asText() + ": " + rule.path("lastError"))
              .isEqualTo("ok");
        }

        // Every dashboard query evaluates; only the failure panel may be empty (nothing failed).
        await("a rate window of samples")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    !prometheus
                        .query(
                            "rate(fleetrotate_heartbeats_received_total{job=\"coordinator\"}[1m])")
                        .isEmpty());
        List<String> empty = new ArrayList<>();
        for (ComposeGrafanaTest.Query q : ComposeGrafanaTest.queries()) {
          JsonNode result = prometheus.query(ComposeGrafanaTest.asPrometheusQuery(q.expr()));
          if (result.isEmpty() && !q.expr().contains("result=\"FAILED\"")) {
            empty.add(q.panel() + ": " + q.expr());
          }
        }
        assertThat(empty).as("dashboard queries without data").isEmpty();
        JsonNode nodes =
            prometheus.api(
                "/api/v1/series?match[]="
                    + java.net.URLEncoder.encode(
                        "fleetrotate_node_missed_heartbeats{job=\"coordinator\"}",
                        java.nio.charset.StandardCharsets.UTF_8));
        assertThat(nodes.path("data").toString())
            .as("the node variable's values")
            .contains(PrometheusTestFleet.NODE);
      } catch (Throwable t) {
        System.out.println(prometheus.log());
        System.out.println(fleet.logs());
        throw t;
      }
      System.out.printf(
          "PrometheusFleetTest: Prometheus checks took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  private static boolean rulesEvaluated(PrometheusServer prometheus) throws Exception {
    JsonNode groups = prometheus.api("/api/v1/rules").path("data").path("groups");
    if (groups.isEmpty()) {
      return false;
    }
    for (JsonNode rule : groups.get(0).path("rules")) {
      if (rule.path("lastEvaluation").asText().startsWith("0001-")) {
        return false;
      }
    }
    return true;
  }
}
