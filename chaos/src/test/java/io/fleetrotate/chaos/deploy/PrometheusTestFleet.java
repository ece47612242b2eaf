package io.fleetrotate.chaos.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small real fleet on loopback for the Prometheus tests: a coordinator process, one agent process
 * ({@code lock.backend: local}) reporting to it, and a writer thread appending JSON lines to the
 * agent's log fast enough that a tiny {@code maxSize} rotates it every second or two.
 */
final class PrometheusTestFleet implements AutoCloseable {
  static final String NODE = "prom-host-1";
  private static final String AGENT_TOKEN = "prometheus-test-agent-token-0123";
  private static final String ADMIN_TOKEN = "prometheus-test-admin-token-0123";

  /** The coordinator's /metrics needs it (auth.scrapeTokens); Prometheus reads it from a file. */
  static final String SCRAPE_TOKEN = "prometheus-test-scrape-token-0123";

  private static final Pattern SUCCESSES =
      Pattern.compile("(?m)^fleetrotate_rotations_total\\{[^}]*result=\"SUCCESS\"[^}]*} (\\S+)$");

  final Path dir;
  final int coordinatorPort;
  final int agentPort;
  private final List<Process> processes = new ArrayList<>();
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong written = new AtomicLong();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusTestFleet(Path dir, int coordinatorPort, int agentPort) {
    this.dir = dir;
    this.coordinatorPort = coordinatorPort;
    this.agentPort = agentPort;
  }

  /** Starts the fleet and returns once the coordinator has counted a successful rotation. */
  static PrometheusTestFleet start(Path dir) throws Exception {
    PrometheusTestFleet fleet =
        new PrometheusTestFleet(dir, ComposeTools.freePort(), ComposeTools.freePort());
    try {
      fleet.startProcesses();
      return fleet;
    } catch (Throwable t) {
      System.out.println(fleet.logs());
      fleet.close();
      throw t;
    }
  }

  private void startProcesses() throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Path coordinatorConfig =
        Files.writeString(
            dir.resolve("coordinator.yaml"),
            """
            http: { bind: 127.0.0.1, port: %d }
            auth: { agentTokens: ["%s"], adminTokens: ["%s"], scrapeTokens: ["%s"] }
            hazelcast: { enabled: false }
            store: { dir: "%s" }
            """
                .formatted(
                    coordinatorPort, AGENT_TOKEN, ADMIN_TOKEN, SCRAPE_TOKEN, dir.resolve("store")));
    Path agentConfig =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: %s, group: mcp-server }
            coordinator: { url: "http://127.0.0.1:%d", token: "%s", heartbeat: 1s }
            lock: { backend: local }
            checkInterval: 1s
            stateDir: "%s"
            http: { bind: 127.0.0.1, port: %d }
            files:
              - path: "%s"
                trigger: { maxSize: 16KiB }
                retention: { keep: 100 }
                compress: { codec: zstd, level: 3 }
                reopen: { method: none }
            """
                .formatted(
                    NODE, coordinatorPort, AGENT_TOKEN, dir.resolve("state"), agentPort, log()));
    processes.add(
        jar(
            "coordinator",
            List.of("run", "--config", coordinatorConfig.toString()),
            "coordinator"));
    await("coordinator /health")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status(coordinatorPort, "/health") == 200);
    processes.add(
        jar(
            "node-agent",
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            List.of("run", "--config", agentConfig.toString()),
            "agent"));
    await("agent /health")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(agentPort, "/health").contains("\"status\":\"UP\""));
    // ~5 KiB/s: past maxSize every 3 s or so, leaving checks without a rotation between them.
    // (Rotating at every check, the agent's heartbeats were seen to carry no file status, so the
    // coordinator had no disk or growth series for the node.) One open-append-close per batch, as
    // the reopen method "none" expects of a writer.
    writer.scheduleAtFixedRate(this::writeBatch, 0, 100, TimeUnit.MILLISECONDS);
    await("a rotation counted by the coordinator")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> successes() > 0);
  }

  Path log() {
    return dir.resolve("logs/server.log");
  }

  private void writeBatch() {
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      long seq = written.incrementAndGet();
      batch.append(
          "{\"seq\":%d,\"level\":\"info\",\"event\":\"tools/call\",\"tool\":\"search\",\"msg\":\"%s\"}\n"
              .formatted(seq, "x".repeat(64)));
    }
    try {
      Files.writeString(
          log(),
          batch,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      System.out.println("PrometheusTestFleet: write failed: " + e);
    }
  }

  /** Successful rotations the coordinator's /metrics counts. */
  double successes() {
    double total = 0;
    Matcher m = SUCCESSES.matcher(scrape(coordinatorPort));
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  String scrape(int port) {
    return get(port, "/metrics");
  }

  /** Metric names in an exposition: every sample's name. */
  static Set<String> metricNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      if (end < 0) {
        end = line.indexOf(' ');
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private int status(int port, String path) {
    try {
      return http.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String get(int port, String path) {
    try {
      HttpRequest request =
          port == coordinatorPort
              ? HttpRequest.newBuilder(request(port, path), (n, v) -> true)
                  .header("Authorization", "Bearer " + SCRAPE_TOKEN)
                  .build()
              : request(port, path);
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private Process jar(String module, List<String> args, String name) throws IOException {
    return jar(module, List.of(), args, name);
  }

  private Process jar(String module, List<String> jvm, List<String> args, String name)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(ComposeProject.java()));
    command.addAll(jvm);
    command.addAll(List.of("-jar", ComposeProject.jar(module).toString()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .start();
  }

  /** The last lines of each process's output, for a failure message. */
  String logs() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("coordinator", "agent")) {
      Path file = dir.resolve(name + ".out");
      try {
        List<String> lines =
            Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        out.append("---- ").append(name).append(" (last 20 lines) ----\n");
        lines
            .subList(Math.max(0, lines.size() - 20), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      } catch (IOException e) {
        out.append(name).append(": ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    writer.shutdownNow();
    // The agent first: it stops reporting, then the coordinator.
    for (int i = processes.size() - 1; i >= 0; i--) {
      ComposeTools.stop(processes.get(i), Duration.ofSeconds(20));
    }
  }
}
