package io.fleetrotate.chaos.deploy;

import static io.fleetrotate.chaos.deploy.ComposeProject.at;
import static io.fleetrotate.chaos.deploy.ComposeProject.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose fleet's hosts without Docker: the coordinator and two MCP hosts as processes on
 * loopback, each host a simulated MCP server ({@code deploy/docker/mcp-server-sim.sh}, under
 * busybox's shell as in its image) and a node agent started with the image's JVM options and a
 * configuration derived from {@code deploy/compose/agent.yaml}: the same lock backend (the
 * coordinator's Hazelcast member), reopen by SIGHUP through the server's pid file, codec and group;
 * only addresses, directories, the size trigger (64 KiB, to rotate every few seconds) and retention
 * (keep everything, to count) differ. Every line the servers wrote is found exactly once in the
 * live logs and the backups afterwards, and both nodes' rotations reach the coordinator.
 */
class ComposeHostsTest {
  private static final List<String> HOSTS = List.of("mcp-host-1", "mcp-host-2");
  private static final String AGENT_TOKEN = "compose-hosts-agent-token-0123";
  private static final String ADMIN_TOKEN = "compose-hosts-admin-token-0123";
  private static final String SCRAPE_TOKEN = "compose-hosts-scrape-token-0123";
  private static final Pattern SUCCESSES =
      Pattern.compile(
          "(?m)^fleetrotate_rotations_total\\{node=\"([^\"]+)\"[^}]*result=\"SUCCESS\"[^}]*} (\\S+)$");

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void everyLineIsKeptExactlyOnceWhileTheHostsRotateUnderTheCoordinatorsLease() throws Exception {
    Path python = pythonOrSkip();
    Path zstd = ComposeTools.require(Path.of("/usr/bin/zstd"), "apt-get install zstd");
    Path countLost = sharedTool("count-lost.py");
    List<String> shell = simulatedServerShell();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("FLEETROTATE_AGENT_TOKEN", AGENT_TOKEN);
    env.put("FLEETROTATE_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("FLEETROTATE_SCRAPE_TOKEN", SCRAPE_TOKEN);
    env.remove("FLEETROTATE_LOCK_BACKEND");
    int coordinatorPort = ComposeTools.freePort();
    int hazelcastPort = ComposeTools.freePort();
    try {
      processes.add(
          start(
              "coordinator",
              coordinatorCommand(coordinatorConfig(coordinatorPort, hazelcastPort)),
              env));
      await("coordinator /health")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> get(coordinatorPort, "/health").contains("\"status\":\"UP\""));

      Map<String, Process> servers = new LinkedHashMap<>();
      for (String host : HOSTS) {
        Path h = Files.createDirectories(dir.resolve(host));
        Files.createDirectories(h.resolve("logs"));
        Files.createDirectories(h.resolve("run"));
        Map<String, String> serverEnv = new HashMap<>(env);
        serverEnv.putAll(composeServerEnvironment(host));
        serverEnv.put("MCP_LOG", h.resolve("logs/server.log").toString());
        serverEnv.put("MCP_PID_FILE", h.resolve("run/server.pid").toString());
        List<String> command = new ArrayList<>(shell);
        command.add(ComposeProject.file("deploy/docker/mcp-server-sim.sh").toString());
        Process server = start(host + "-server", command, serverEnv);
        servers.put(host, server);
        processes.add(server);
        await(host + " pid file")
            .atMost(Duration.ofSeconds(10))
            .until(() -> Files.exists(h.resolve("run/server.pid")));

        Map<String, String> agentEnv = new HashMap<>(env);
        agentEnv.put("HOSTNAME", host); // compose sets hostname: mcp-host-N
        processes.add(
            start(
                host + "-agent",
                agentCommand(agentConfig(h, coordinatorPort, hazelcastPort)),
                agentEnv));
      }

      await("two successful rotations of each host reported to the coordinator")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                Map<String, Double> ok = successes(get(coordinatorPort, "/metrics"));
                return HOSTS.stream().allMatch(h -> ok.getOrDefault(h, 0.0) >= 2);
              });

      // Stop the writers first (each prints the last line number it wrote), then let the agents
      // finish what they started: SIGTERM lets a rotation in progress complete.
      Map<String, Long> lastSeq = new HashMap<>();
      for (var e : servers.entrySet()) {
        e.getValue().destroy();
        assertThat(e.getValue().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        lastSeq.put(
            e.getKey(),
            Long.parseLong(Files.readString(dir.resolve(e.getKey() + "-server.out")).strip()));
      }
      String metrics = get(coordinatorPort, "/metrics");
      assertThat(metrics).as("no rotation failed").doesNotContain("result=\"FAILED\"");
      for (int i = processes.size() - 1; i >= 0; i--) {
        ComposeTools.stop(processes.get(i), Duration.ofSeconds(30));
      }

      for (String host : HOSTS) {
        // The lease came from the coordinator's Hazelcast member, the compose default backend.
        assertThat(Files.readString(dir.resolve(host + "-agent.err")))
            .contains("connected to the Hazelcast cluster fleetrotate");
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve(host).resolve("logs"))) {
          s.filter(p -> p.getFileName().toString().startsWith("server.log"))
              .forEach(p -> files.add(p.toString()));
        }
        assertThat(files).as(host + ": backups").anyMatch(f -> f.endsWith(".zst"));
        List<String> command =
            new ArrayList<>(
                List.of(
                    python.toString(), countLost.toString(), String.valueOf(lastSeq.get(host))));
        command.addAll(files);
        Map<String, String> toolEnv = new HashMap<>();
        toolEnv.put(
            "PATH", zstd.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        ComposeTools.Result r = ComposeTools.run(command, toolEnv, Duration.ofMinutes(2));
        System.out.printf("ComposeHostsTest: %s: %d files, %s", host, files.size(), r.output());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output().strip())
            .as(host)
            .isEqualTo("lines=" + lastSeq.get(host) + " missing=0 duplicated=0");
      }
    } catch (Throwable t) {
      System.out.println(logs());
      throw t;
    } finally {
      for (int i = processes.size() - 1; i >= 0; i--) {
        ComposeTools.stop(processes.get(i), Duration.ofSeconds(10));
      }
    }
  }

  // ---- configurations derived from deploy/compose ----

  private Path coordinatorConfig(int port, int hazelcastPort) throws IOException {
    Map<String, Object> c =
        ComposeProject.yaml(ComposeProject.file("deploy/compose/coordinator.yaml"));
    Map<String, Object> httpSection = map(c.get("http"), "http");
    httpSection.put("bind", "127.0.0.1");
    httpSection.put("port", port);
    c.put("http", httpSection);
    Map<String, Object> hz = map(c.get("hazelcast"), "hazelcast");
    hz.put("port", hazelcastPort);
    c.put("hazelcast", hz);
    Map<String, Object> store = map(c.get("store"), "store");
    store.put("dir", dir.resolve("coordinator-store").toString());
    c.put("store", store);
    return Files.writeString(dir.resolve("coordinator.yaml"), new Yaml().dump(c));
  }

  private Path agentConfig(Path host, int coordinatorPort, int hazelcastPort) throws IOException {
    Map<String, Object> a = ComposeProject.yaml(ComposeProject.file("deploy/compose/agent.yaml"));
    Map<String, Object> coordinator = map(a.get("coordinator"), "coordinator");
    coordinator.put("url", "http://127.0.0.1:" + coordinatorPort);
    coordinator.put("heartbeat", "1s");
    a.put("coordinator", coordinator);
    Map<String, Object> lock = map(a.get("lock"), "lock");
    Map<String, Object> hz = map(lock.get("hazelcast"), "lock.hazelcast");
    hz.put("members", List.of("127.0.0.1:" + hazelcastPort));
    lock.put("hazelcast", hz);
    a.put("lock", lock);
    a.put("checkInterval", "1s");
    a.put("stateDir", host.resolve("state").toString());
    a.put("http", Map.of("bind", "127.0.0.1", "port", 0));
    Map<String, Object> file = map(ComposeProject.list(a.get("files"), "files").get(0), "files[0]");
    assertThat(at(file, "reopen.method")).isEqualTo("signal");
    file.put("path", host.resolve("logs/server.log").toString());
    Map<String, Object> reopen = map(file.get("reopen"), "reopen");
    reopen.put("pidFile", host.resolve("run/server.pid").toString());
    file.put("reopen", reopen);
    Map<String, Object> trigger = map(file.get("trigger"), "trigger");
    trigger.put("maxSize", "64KiB");
    file.put("trigger", trigger);
    file.put("retention", Map.of("keep", 10000));
    a.put("files", List.of(file));
    return Files.writeString(host.resolve("agent.yaml"), new Yaml().dump(a));
  }

  /** The environment compose gives a host's simulated server. */
  private static Map<String, String> composeServerEnvironment(String host) {
    Map<String, String> env = new HashMap<>();
    Object e = ComposeProject.service(host + "-server").get("environment");
    if (e != null) {
      map(e, host + "-server.environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    return env;
  }

  /** The coordinator as the image runs it, with its Hazelcast member on loopback only. */
  private static List<String> coordinatorCommand(Path config) throws IOException {
    List<String> command = imageCommand("coordinator.Dockerfile", "coordinator");
    command.add(1, "-Dhazelcast.local.localAddress=127.0.0.1");
    command.add(2, "-Dhazelcast.socket.bind.any=false");
    command.addAll(List.of("run", "--config", config.toString()));
    return command;
  }

  private static List<String> agentCommand(Path config) throws IOException {
    List<String> command = imageCommand("agent.Dockerfile", "node-agent");
    command.add(1, "-Dhazelcast.local.localAddress=127.0.0.1");
    command.addAll(List.of("run", "--config", config.toString()));
    return command;
  }

  /** An image's ENTRYPOINT with this machine's java and this build's jar. */
  private static List<String> imageCommand(String dockerfile, String module) throws IOException {
    List<String> command = new ArrayList<>();
    for (String word :
        DockerfileParser.parse(ComposeProject.file("deploy/docker/" + dockerfile))
            .finalStage()
            .last("ENTRYPOINT")
            .execForm()) {
      command.add(
          word.equals("java")
              ? ComposeProject.java()
              : word.startsWith("/opt/fleetrotate/")
                  ? ComposeProject.jar(module).toString()
                  : word);
    }
    return command;
  }

  /** busybox's sh as in the simulated server's image; elsewhere than CI, sh when it is missing. */
  private static List<String> simulatedServerShell() {
    Path busybox = ComposeTools.onPath("busybox");
    if (busybox != null) {
      return List.of(busybox.toString(), "sh");
    }
    if (ComposeTools.ci()) {
      throw new AssertionError("busybox is not installed; CI must install it (.ci/run)");
    }
    System.out.println(
        "ComposeHostsTest: busybox is not installed; the simulated servers run under sh");
    return List.of("sh");
  }

  private static Path pythonOrSkip() {
    Path python = ComposeTools.onPath("python3");
    return ComposeTools.require(
        python == null ? Path.of("/usr/bin/python3") : python, "apt-get install python3");
  }

  private static Path sharedTool(String name) {
    String shared = System.getenv("FLEETROTATE_SHARED_DIR");
    Path tool = Path.of(shared == null ? "../shared" : shared, "tools", name);
    return ComposeTools.require(tool, "the shared tools beside the repository, ../shared/tools");
  }

  private static Map<String, Double> successes(String exposition) {
    Map<String, Double> ok = new HashMap<>();
    Matcher m = SUCCESSES.matcher(exposition);
    while (m.find()) {
      ok.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
    }
    return ok;
  }

  private Process start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(dir.resolve(name + ".out").toFile());
    pb.redirectError(dir.resolve(name + ".err").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.start();
  }

  private String get(int port, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .header("Authorization", "Bearer " + SCRAPE_TOKEN)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".err") || p.toString().endsWith(".out"))
              .sorted()
              .toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        out.append("---- ").append(f.getFileName()).append(" (last 15 lines) ----\n");
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException e) {
      out.append(e);
    }
    return out.toString();
  }
}
