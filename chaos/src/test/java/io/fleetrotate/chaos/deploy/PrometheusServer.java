package io.fleetrotate.chaos.deploy;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real Prometheus server (Debian's binary) on loopback, configured from the repository's {@code
 * deploy/prometheus/prometheus.yml}: the same jobs, relabelling and alert rules, with the compose
 * service addresses replaced by the test fleet's loopback ports and a 1 s interval.
 */
final class PrometheusServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");

  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static PrometheusServer start(Path dir, PrometheusTestFleet fleet) throws Exception {
    Path config = Files.writeString(dir.resolve("prometheus.yml"), configFor(fleet));
    int port = ComposeTools.freePort();
    Process p =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.out").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, dir, port);
    try {
      await("prometheus /-/ready")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> server.status("/-/ready") == 200);
    } catch (Throwable t) {
      System.out.println(server.log());
      server.close();
      throw t;
    }
    return server;
  }

  /** deploy/prometheus/prometheus.yml with the fleet's loopback addresses and a 1 s interval. */
  @SuppressWarnings("unchecked")
  static String configFor(PrometheusTestFleet fleet) {
    Map<String, Object> config =
        ComposeProject.yaml(ComposeProject.file("deploy/prometheus/prometheus.yml"));
    config.put("global", Map.of("scrape_interval", "1s", "evaluation_interval", "1s"));
    List<String> rules = new ArrayList<>();
    for (Object r : ComposeProject.list(config.get("rule_files"), "rule_files")) {
      rules.add(ComposeProject.file("deploy/prometheus").resolve(String.valueOf(r)).toString());
    }
    config.put("rule_files", rules);
    List<Object> jobs = new ArrayList<>();
    for (Object j : ComposeProject.list(config.get("scrape_configs"), "scrape_configs")) {
      Map<String, Object> job = new LinkedHashMap<>((Map<String, Object>) j);
      String target =
          switch (String.valueOf(job.get("job_name"))) {
            case "coordinator" -> "127.0.0.1:" + fleet.coordinatorPort;
            case "agent" -> "127.0.0.1:" + fleet.agentPort;
            default -> throw new AssertionError("unexpected job " + job.get("job_name"));
          };
      Map<String, Object> statics = new LinkedHashMap<>();
      statics.put("targets", List.of(target));
      if (job.get("job_name").equals("agent")) {
        statics.put("labels", Map.of("node", PrometheusTestFleet.NODE));
      }
      job.put("static_configs", List.of(statics));
      if (job.containsKey("authorization")) {
        // The compose file mounts the token at credentials_file; here it is the test fleet's.
        Path token = fleet.dir.resolve("scrape-token");
        try {
          Files.writeString(token, PrometheusTestFleet.SCRAPE_TOKEN + "\n");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        job.put("authorization", Map.of("type", "Bearer", "credentials_file", token.toString()));
      }
      jobs.add(job);
    }
    config.put("scrape_configs", jobs);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(config);
  }

  /** {@code /api/v1/query}: the {@code data.result} array; fails on an error answer. */
  JsonNode query(String promql) throws Exception {
    JsonNode answer =
        api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return answer.path("data").path("result");
  }

  /** A GET on the HTTP API: the parsed answer; fails unless its status is "success". */
  JsonNode api(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode answer = json.readTree(r.body());
    if (!"success".equals(answer.path("status").asText())) {
      throw new AssertionError(pathAndQuery + ": " + r.statusCode() + " " + r.body());
    }
    return answer;
  }

  /** The value of the first sample of an instant query, or NaN when it has none. */
  double value(String promql) throws Exception {
    JsonNode result = query(promql);
    return result.isEmpty() ? Double.NaN : result.get(0).get("value").get(1).asDouble();
  }

  private int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("prometheus.out"));
      return "---- prometheus (last 20 lines) ----\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "prometheus: " + e;
    }
  }

  @Override
  public void close() {
    ComposeTools.stop(process, Duration.ofSeconds(20));
  }
}
