package io.fleetrotate.chaos.deploy;

import static io.fleetrotate.chaos.deploy.ComposeProject.HOSTS;
import static io.fleetrotate.chaos.deploy.ComposeProject.list;
import static io.fleetrotate.chaos.deploy.ComposeProject.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/prometheus/prometheus.yml}: promtool accepts it and the alert rules it loads, and
 * it scrapes exactly the compose services that serve metrics, on their ports.
 */
class PrometheusConfigTest {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final String CONFIG = "deploy/prometheus/prometheus.yml";
  private static final String SCRAPE_TOKEN_IN_CONTAINER = "/etc/prometheus/scrape-token";

  @Test
  void promtoolAcceptsTheConfigurationAndItsRules(@TempDir Path dir) throws Exception {
    ComposeTools.require(PROMTOOL, "apt-get install prometheus");
    // promtool opens the coordinator job's credentials_file, which only the prometheus container
    // has at /etc/prometheus: check a copy that points at the file compose mounts there.
    String config =
        Files.readString(ComposeProject.file(CONFIG))
            .replace(
                SCRAPE_TOKEN_IN_CONTAINER,
                ComposeProject.file("deploy/prometheus/scrape-token").toString());
    Path copy = Files.writeString(dir.resolve("prometheus.yml"), config);
    Files.copy(ComposeProject.file("deploy/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
    ComposeTools.Result r =
        ComposeTools.run(
            List.of(PROMTOOL.toString(), "check", "config", copy.toString()),
            Map.of(),
            Duration.ofMinutes(1));
    System.out.print(r.output());
    assertThat(r.exit()).as(r.output()).isZero();
    // promtool checks the rule files the configuration names, too.
    assertThat(r.output())
        .contains("SUCCESS: 1 rule files found", "alerts.yml", "SUCCESS: 8 rules found");
  }

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    ComposeTools.Result r = promtool("check", "rules", "deploy/prometheus/alerts.yml");
    assertThat(r.output()).contains("SUCCESS: 8 rules found");
  }

  /**
   * deploy/prometheus/alerts-test.yml: a lock outage fires FleetrotateLockServiceDown once per node
   * after 2 minutes and resolves with the service; its deferrals never fire the success-ratio
   * alert.
   */
  @Test
  void promtoolUnitTestsOfTheLockOutageAlertPass() throws Exception {
    ComposeTools.Result r = promtool("test", "rules", "deploy/prometheus/alerts-test.yml");
    assertThat(r.output()).contains("SUCCESS");
    assertThat(Files.readString(ComposeProject.file("deploy/prometheus/alerts-test.yml")))
        .contains(
            "alertname: FleetrotateLockServiceDown", "alertname: FleetrotateRotationSuccessLow");
  }

  /** Runs promtool in the repository root; it must succeed. */
  private static ComposeTools.Result promtool(String... args) throws Exception {
    ComposeTools.require(PROMTOOL, "apt-get install prometheus");
    List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
    command.addAll(List.of(args));
    ComposeTools.Result r = ComposeTools.run(command, Map.of(), Duration.ofMinutes(1));
    System.out.print(r.output());
    assertThat(r.exit()).as(r.output()).isZero();
    return r;
  }

  @Test
  void theScrapeTokenFileIsMountedWhereTheCoordinatorJobReadsIt() {
    Map<String, Object> coordinator =
        list(ComposeProject.yaml(ComposeProject.file(CONFIG)).get("scrape_configs"), "jobs")
            .stream()
            .map(j -> map(j, "job"))
            .filter(j -> "coordinator".equals(j.get("job_name")))
            .findFirst()
            .orElseThrow();
    assertThat(map(coordinator.get("authorization"), "authorization"))
        .containsEntry("type", "Bearer")
        .containsEntry("credentials_file", SCRAPE_TOKEN_IN_CONTAINER);
    assertThat(ComposeProject.mountAt("prometheus", SCRAPE_TOKEN_IN_CONTAINER).source())
        .isEqualTo("./deploy/prometheus/scrape-token");
  }

  @Test
  void theRuleFileIsMountedWhereTheConfigurationLooks() {
    Map<String, Object> config = ComposeProject.yaml(ComposeProject.file(CONFIG));
    assertThat(config.get("rule_files")).isEqualTo(List.of("alerts.yml"));
    assertThat(ComposeProject.file("deploy/prometheus/alerts.yml")).isRegularFile();
    assertThat(ComposeProject.mountAt("prometheus", "/etc/prometheus/prometheus.yml").source())
        .isEqualTo("./" + CONFIG);
    assertThat(ComposeProject.mountAt("prometheus", "/etc/prometheus/alerts.yml").source())
        .isEqualTo("./deploy/prometheus/alerts.yml");
    assertThat(ComposeProject.service("prometheus").get("command"))
        .asList()
        .contains("--config.file=/etc/prometheus/prometheus.yml");
  }

  @Test
  void itScrapesTheCoordinatorAndEveryAgentByServiceName() {
    Map<String, List<Map<String, Object>>> jobs = jobs();
    assertThat(jobs).containsOnlyKeys("coordinator", "agent");
    assertThat(targets(jobs.get("coordinator")))
        .containsExactly(Map.entry("coordinator:8420", Map.of()));
    Map<String, Object> expected = new HashMap<>();
    for (String host : HOSTS) {
      expected.put(host + "-agent:8421", Map.of("node", host));
      // The node label is the one the coordinator's series carry: the agent's node id.
      assertThat(ComposeProject.service(host + "-agent").get("hostname")).isEqualTo(host);
    }
    assertThat(targets(jobs.get("agent"))).isEqualTo(expected);
  }

  @Test
  void agentScrapesDropOnlyWhatTheCoordinatorAlreadyServes() {
    Map<String, Object> agentJob = null;
    for (Object job :
        list(
            ComposeProject.yaml(ComposeProject.file(CONFIG)).get("scrape_configs"),
            "scrape_configs")) {
      Map<String, Object> j = map(job, "scrape_configs[]");
      if ("agent".equals(j.get("job_name"))) {
        agentJob = j;
      }
    }
    assertThat(agentJob).isNotNull();
    Map<String, Object> drop =
        map(list(agentJob.get("metric_relabel_configs"), "relabel").get(0), "relabel[0]");
    assertThat(drop.get("action")).isEqualTo("drop");
    assertThat(drop.get("source_labels")).isEqualTo(List.of("__name__"));
    Pattern regex = dropPattern();
    // Prometheus anchors the regex at both ends.
    for (String dropped :
        List.of(
            "fleetrotate_rotation_duration_seconds_bucket",
            "fleetrotate_rotation_duration_seconds_count",
            "fleetrotate_compression_ratio_sum",
            "fleetrotate_lock_wait_seconds_max",
            "fleetrotate_file_growth_bytes_per_second")) {
      assertThat(regex.matcher(dropped).matches()).as(dropped).isTrue();
    }
    for (String kept :
        List.of(
            "fleetrotate_rotations_total",
            "fleetrotate_file_size_bytes",
            "fleetrotate_lock_hold_seconds_bucket",
            "fleetrotate_disk_used_ratio",
            "fleetrotate_agent_outbox_pending_events",
            "fleetrotate_rotation_input_bytes_total")) {
      assertThat(regex.matcher(kept).matches()).as(kept).isFalse();
    }
  }

  /** The agent job's drop rule, anchored as Prometheus anchors it. */
  static Pattern dropPattern() {
    for (Object job :
        list(
            ComposeProject.yaml(ComposeProject.file(CONFIG)).get("scrape_configs"),
            "scrape_configs")) {
      Map<String, Object> j = map(job, "scrape_configs[]");
      if ("agent".equals(j.get("job_name"))) {
        Map<String, Object> rule =
            map(list(j.get("metric_relabel_configs"), "relabel").get(0), "relabel");
        return Pattern.compile("^(?:" + rule.get("regex") + ")$");
      }
    }
    throw new AssertionError("no agent job");
  }

  static Map<String, List<Map<String, Object>>> jobs() {
    Map<String, List<Map<String, Object>>> jobs = new HashMap<>();
    for (Object job :
        list(
            ComposeProject.yaml(ComposeProject.file(CONFIG)).get("scrape_configs"),
            "scrape_configs")) {
      Map<String, Object> j = map(job, "scrape_configs[]");
      List<Map<String, Object>> statics =
          list(j.get("static_configs"), "static_configs").stream()
              .map(s -> map(s, "static_configs[]"))
              .toList();
      jobs.put(String.valueOf(j.get("job_name")), statics);
    }
    return jobs;
  }

  /** Target -> its extra labels. */
  private static Map<String, Object> targets(List<Map<String, Object>> statics) {
    Map<String, Object> targets = new HashMap<>();
    for (Map<String, Object> s : statics) {
      Object labels = s.getOrDefault("labels", Map.of());
      for (Object t : list(s.get("targets"), "targets")) {
        targets.put(String.valueOf(t), labels);
      }
    }
    return targets;
  }
}
