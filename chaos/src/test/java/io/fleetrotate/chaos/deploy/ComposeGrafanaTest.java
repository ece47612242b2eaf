package io.fleetrotate.chaos.deploy;

import static io.fleetrotate.chaos.deploy.ComposeProject.at;
import static io.fleetrotate.chaos.deploy.ComposeProject.list;
import static io.fleetrotate.chaos.deploy.ComposeProject.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Grafana in the compose fleet: the provisioned datasource and dashboard provider point at what
 * compose mounts and runs, and the dashboard JSON is well formed (every panel queries the
 * provisioned datasource, ids unique, panels inside the 24-column grid without overlapping).
 * Whether its queries use metrics the fleet exposes, and evaluate, is {@link PrometheusFleetTest}'s
 * part: it needs the real processes.
 */
class ComposeGrafanaTest {
  static final Path DASHBOARD = ComposeProject.file("deploy/grafana/dashboards/fleetrotate.json");

  /** A dashboard query: the panel it belongs to and its PromQL. */
  record Query(String panel, String expr) {}

  static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(DASHBOARD.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : dashboard().get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(new Query(panel.get("title").asText(), target.get("expr").asText()));
      }
    }
    return queries;
  }

  /**
   * A query as Prometheus itself would receive it from Grafana: the dashboard's variables replaced
   * by values (all nodes, a one-minute rate window).
   */
  static String asPrometheusQuery(String expr) {
    return expr.replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$node", ".*");
  }

  @Test
  void theDatasourceIsThePrometheusServiceOfTheFleet() {
    Map<String, Object> provisioning =
        ComposeProject.yaml(
            ComposeProject.file("deploy/grafana/provisioning/datasources/prometheus.yml"));
    List<Object> datasources = list(provisioning.get("datasources"), "datasources");
    assertThat(datasources).hasSize(1);
    Map<String, Object> ds = map(datasources.get(0), "datasources[0]");
    assertThat(ds.get("type")).isEqualTo("prometheus");
    assertThat(ds.get("uid")).isEqualTo("prometheus");
    assertThat(ds.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(ComposeProject.services()).containsKey("prometheus");
    assertThat(ComposeProject.service("prometheus").get("ports"))
        .asList()
        .contains("127.0.0.1:9090:9090");
    // Grafana's rate windows assume the scrape interval Prometheus really uses.
    Map<String, Object> prometheus =
        ComposeProject.yaml(ComposeProject.file("deploy/prometheus/prometheus.yml"));
    assertThat(at(ds, "jsonData.timeInterval")).isEqualTo(at(prometheus, "global.scrape_interval"));
  }

  @Test
  void theDashboardProviderReadsTheMountedDashboards() {
    Map<String, Object> provisioning =
        ComposeProject.yaml(
            ComposeProject.file("deploy/grafana/provisioning/dashboards/fleetrotate.yml"));
    Map<String, Object> provider =
        map(list(provisioning.get("providers"), "providers").get(0), "providers[0]");
    assertThat(provider.get("type")).isEqualTo("file");
    String path = String.valueOf(at(provider, "options.path"));
    assertThat(ComposeProject.mountAt("grafana", path).source())
        .isEqualTo("./deploy/grafana/dashboards");
    assertThat(ComposeProject.mountAt("grafana", "/etc/grafana/provisioning").source())
        .isEqualTo("./deploy/grafana/provisioning");
    assertThat(
            at(
                ComposeProject.service("grafana"),
                "environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
        .isEqualTo(path + "/" + DASHBOARD.getFileName());
  }

  @Test
  void theDashboardIsWellFormed() {
    JsonNode d = dashboard();
    assertThat(d.get("uid").asText()).isEqualTo("fleetrotate");
    assertThat(d.get("title").asText()).isEqualTo("fleetrotate");
    // A provisioned dashboard must not carry an id of its own Grafana instance.
    assertThat(d.has("id") && !d.get("id").isNull()).isFalse();
    Set<Integer> ids = new HashSet<>();
    List<int[]> cells = new ArrayList<>();
    int queried = 0;
    for (JsonNode panel : d.get("panels")) {
      String title = panel.get("title").asText();
      assertThat(ids.add(panel.get("id").asInt())).as(title + ": unique id").isTrue();
      JsonNode g = panel.get("gridPos");
      int x = g.get("x").asInt(),
          y = g.get("y").asInt(),
          w = g.get("w").asInt(),
          h = g.get("h").asInt();
      assertThat(x + w).as(title + ": inside 24 columns").isLessThanOrEqualTo(24);
      assertThat(w > 0 && h > 0).as(title + ": has a size").isTrue();
      for (int[] c : cells) {
        boolean overlap = x < c[0] + c[2] && c[0] < x + w && y < c[1] + c[3] && c[1] < y + h;
        assertThat(overlap).as(title + " overlaps another panel").isFalse();
      }
      cells.add(new int[] {x, y, w, h});
      if (panel.get("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("prometheus");
      assertThat(panel.path("targets").size()).as(title + ": queries").isPositive();
      for (JsonNode t : panel.get("targets")) {
        assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo("prometheus");
        assertThat(t.path("expr").asText()).as(title + ": expr").contains("fleetrotate_");
        queried++;
      }
    }
    assertThat(queried).isGreaterThanOrEqualTo(20);
    for (JsonNode variable : d.path("templating").path("list")) {
      assertThat(variable.path("datasource").path("uid").asText()).isEqualTo("prometheus");
    }
  }
}
