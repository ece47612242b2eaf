package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The whole Docker Compose fleet, run for real with {@code docker compose}: the repository's
 * docker-compose.yml and Dockerfiles (the jars are built by Maven inside the image builds), plus
 * {@code ci/compose.test.yml} (no Grafana, ports chosen by Docker on 127.0.0.1), as the compose
 * project {@value #PROJECT}, whose network and volumes the test creates and removes.
 *
 * <p>The agents lease through the redis service ({@code FLEETROTATE_LOCK_BACKEND=redis}). Checked:
 * every service healthy by its own healthcheck; three nodes up; every host rotates, the rotations
 * in the coordinator's history never overlap and their fencing tokens rise; the reopen signal
 * crosses containers (a .zst beside server.log, no failed rotation); Prometheus has the coordinator
 * as an up target and loads the rules; {@code docker kill} of an agent raises the coordinator's
 * nodeDown alert and starting it again clears it; {@code down -v} leaves no container, network or
 * volume of the project behind.
 *
 * <p>Without a Docker engine it prints why and is skipped, except under CI=true, where it fails: CI
 * starts one with {@code ci/docker-up.sh}, which also builds the local stand-ins for the upstream
 * images (no image registry there). Each phase's duration is printed and written to {@code
 * target/compose-fleet/timings.txt}; the compose output to {@code target/compose-fleet/*.log}.
 */
class ComposeFleetTest {
  static final String PROJECT = "fleetrotate-citest";
  private static final String AGENT_TOKEN = "compose-test-agent-token-0123456789";
  private static final String ADMIN_TOKEN = "compose-test-admin-token-0123456789";
  private static final List<String> SERVICES =
      List.of(
          "redis",
          "coordinator",
          "mcp-host-1-server",
          "mcp-host-1-agent",
          "mcp-host-2-server",
          "mcp-host-2-agent",
          "mcp-host-3-server",
          "mcp-host-3-agent",
          "prometheus");
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(9);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final Path logs = ComposeProject.file("chaos/target/compose-fleet");
  private final Map<String, Long> timings = new LinkedHashMap<>();

  @Test
  void theComposeFleetRotatesOneAtATimeUnderTheRedisLockAndAlertsOnADownNode() throws Exception {
    requireEngine();
    Files.createDirectories(logs);
    compose("down-before", Duration.ofMinutes(2), "down", "-v", "--remove-orphans", "-t", "5");
    long t0 = System.nanoTime();
    try {
      Result up =
          compose(
              "up",
              UP_TIMEOUT.plusMinutes(1),
              "up",
              "-d",
              "--build",
              "--wait",
              "--wait-timeout",
              String.valueOf(UP_TIMEOUT.toSeconds()));
      phase("up --build --wait (image builds with Maven, every service healthy)", t0);
      assertThat(up.exit()).as("docker compose up failed; see " + logs + "/up.log").isZero();
      assertEveryServiceHealthy();

      String coordinator = "http://" + published("coordinator", 8420);
      String prometheus = "http://" + published("prometheus", 9090);
      String admin = "Bearer " + ADMIN_TOKEN;

      long t1 = System.nanoTime();
      await("three nodes up")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(() -> upNodes(coordinator) == 3);
      phase("three nodes up", t1);

      // ~30 KiB/s per server against a 1 MiB trigger: each host rotates every half minute or so,
      // and two rotations per host make six leases handed from host to host.
      long t2 = System.nanoTime();
      await("two successful rotations under the Redis lock on every host")
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(5))
          .ignoreExceptions()
          .until(
              () -> {
                Map<String, Integer> perNode = new HashMap<>();
                for (JsonNode e : rotations(coordinator)) {
                  if (e.path("result").asText().equals("SUCCESS")) {
                    perNode.merge(e.path("node").asText(), 1, Integer::sum);
                  }
                }
                return ComposeProject.HOSTS.stream().allMatch(h -> perNode.getOrDefault(h, 0) >= 2);
              });
      phase("two rotations on every host", t2);
      assertOneAtATimeWithRisingFencingTokens(rotations(coordinator));

      for (String host : ComposeProject.HOSTS) {
        Result ls =
            compose(
                "ls-" + host,
                Duration.ofSeconds(30),
                "exec",
                "-T",
                host + "-agent",
                "ls",
                "-a",
                "/var/log/mcp-server");
        assertThat(ls.output()).as(host).contains("server.log", ".zst");
      }
      // The reopen signal crossed the container boundary: no rotation failed (REOPEN_FAILED).
      assertThat(rotations(coordinator)).noneMatch(e -> e.path("result").asText().equals("FAILED"));

      long t3 = System.nanoTime();
      await("prometheus has the coordinator as an up target")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(
              () ->
                  json.readTree(
                          get(
                              prometheus + "/api/v1/query?query=" + enc("up{job=\"coordinator\"}"),
                              null))
                      .path("data")
                      .path("result")
                      .path(0)
                      .path("value")
                      .path(1)
                      .asText()
                      .equals("1"));
      phase("prometheus scrapes the coordinator", t3);
      JsonNode groups = json.readTree(get(prometheus + "/api/v1/rules", null)).path("data");
      assertThat(groups.path("groups").size()).as("rule groups loaded").isPositive();

      // A dead agent: the coordinator's nodeDown alert fires (liveness.downAfter: 10 heartbeats of
      // 5 s), and clears once the agent runs and reports again.
      String victim = "mcp-host-2";
      String container =
          compose("ps-victim", Duration.ofSeconds(30), "ps", "-q", victim + "-agent")
              .output()
              .strip();
      assertThat(container).as("container of " + victim + "-agent").isNotEmpty();
      long t4 = System.nanoTime();
      assertThat(docker("kill", Duration.ofSeconds(30), "kill", container).exit()).isZero();
      await("nodeDown fires for " + victim)
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(3))
          .ignoreExceptions()
          .until(() -> nodeDownFiring(coordinator, victim));
      phase("docker kill -> nodeDown alert", t4);
      long t5 = System.nanoTime();
      assertThat(docker("start", Duration.ofSeconds(60), "start", container).exit()).isZero();
      await("nodeDown clears for " + victim)
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(3))
          .ignoreExceptions()
          .until(() -> !nodeDownFiring(coordinator, victim) && upNodes(coordinator) == 3);
      phase("restart -> alert cleared, three nodes up", t5);
      JsonNode recent = json.readTree(get(coordinator + "/api/v1/alerts", admin)).path("recent");
      assertThat(recent.toString()).contains("nodeDown");
    } catch (Throwable t) {
      compose("logs", Duration.ofMinutes(1), "logs", "--no-color", "--tail", "80");
      System.out.println(
          "ComposeFleetTest: failed; the services' logs are in " + logs + "/logs.log");
      throw t;
    } finally {
      long t6 = System.nanoTime();
      Result down =
          compose("down", Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "-t", "10");
      phase("down -v", t6);
      writeTimings();
      assertThat(down.exit()).as("docker compose down; see " + logs + "/down.log").isZero();
    }
    assertNothingLeftBehind();
  }

  /** The rotations in the history sorted by start: each starts after the previous one ended. */
  private void assertOneAtATimeWithRisingFencingTokens(List<JsonNode> events) {
    List<JsonNode> leased = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.path("result").asText().equals("SUCCESS")) {
        assertThat(e.path("lockBackend").asText()).as("lock backend of " + e).isEqualTo("redis");
        leased.add(e);
      }
    }
    leased.sort(Comparator.comparing(e -> Instant.parse(e.path("startedAt").asText())));
    assertThat(leased.size()).isGreaterThanOrEqualTo(6);
    for (int i = 1; i < leased.size(); i++) {
      JsonNode prev = leased.get(i - 1);
      JsonNode next = leased.get(i);
      assertThat(Instant.parse(next.path("startedAt").asText()))
          .as("rotation %s started before %s ended (overlap)", next, prev)
          .isAfterOrEqualTo(Instant.parse(prev.path("finishedAt").asText()));
      assertThat(next.path("fencingToken").asLong())
          .as("fencing token of %s after %s", next, prev)
          .isGreaterThan(prev.path("fencingToken").asLong());
    }
    assertThat(leased.get(0).path("fencingToken").asLong()).isPositive();
  }

  private void assertEveryServiceHealthy() throws Exception {
    Result ps = compose("ps", Duration.ofSeconds(30), "ps", "--format", "json");
    String out = ps.output().strip();
    List<JsonNode> rows = new ArrayList<>();
    if (out.startsWith("[")) {
      json.readTree(out).forEach(rows::add);
    } else {
      for (String line : out.split("\n")) {
        if (line.startsWith("{")) {
          rows.add(json.readTree(line));
        }
      }
    }
    Map<String, String> health = new HashMap<>();
    for (JsonNode row : rows) {
      health.put(row.path("Service").asText(), row.path("Health").asText());
    }
    for (String service : SERVICES) {
      assertThat(health.get(service))
          .as("health of " + service + " in " + out)
          .isEqualTo("healthy");
    }
  }

  private void assertNothingLeftBehind() throws Exception {
    String label = "label=com.docker.compose.project=" + PROJECT;
    assertThat(
            docker("left-containers", Duration.ofSeconds(30), "ps", "-aq", "--filter", label)
                .output()
                .strip())
        .as("containers left behind")
        .isEmpty();
    assertThat(
            docker(
                    "left-networks",
                    Duration.ofSeconds(30),
                    "network",
                    "ls",
                    "-q",
                    "--filter",
                    label)
                .output()
                .strip())
        .as("networks left behind")
        .isEmpty();
    assertThat(
            docker("left-volumes", Duration.ofSeconds(30), "volume", "ls", "-q", "--filter", label)
                .output()
                .strip())
        .as("volumes left behind")
        .isEmpty();
  }

  private int upNodes(String coordinator) throws Exception {
    return json.readTree(get(coordinator + "/api/v1/fleet", "Bearer " + ADMIN_TOKEN))
        .path("nodes")
        .path("up")
        .asInt();
  }

  private boolean nodeDownFiring(String coordinator, String node) throws Exception {
    for (JsonNode a :
        json.readTree(get(coordinator + "/api/v1/alerts", "Bearer " + ADMIN_TOKEN))
            .path("firing")) {
      if (a.path("rule").asText().equals("nodeDown") && a.path("node").asText().equals(node)) {
        return true;
      }
    }
    return false;
  }

  private List<JsonNode> rotations(String coordinator) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          json.readTree(
              get(
                  coordinator
                      + "/api/v1/rotations"
                      + (cursor == null ? "" : "?cursor=" + enc(cursor)),
                  "Bearer " + ADMIN_TOKEN));
      page.path("items").forEach(all::add);
      cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
    } while (cursor != null && all.size() < 10_000);
    return all;
  }

  /** host:port that compose published for a service's port (on 127.0.0.1, chosen by Docker). */
  private String published(String service, int port) throws Exception {
    Result r =
        compose("port-" + service, Duration.ofSeconds(30), "port", service, String.valueOf(port));
    String address = r.output().strip();
    assertThat(address).as("published port of " + service).matches("127\\.0\\.0\\.1:\\d+");
    return address;
  }

  /** Fails under CI=true when no engine answers; elsewhere prints why and skips. */
  private static void requireEngine() throws Exception {
    String why = null;
    try {
      Result info =
          run(
              "docker-info",
              List.of("docker", "info", "--format", "{{.ServerVersion}}"),
              Duration.ofSeconds(20),
              null);
      if (info.exit() != 0) {
        why = "no Docker engine answers (`docker info`: " + lastLine(info.output()) + ")";
      } else {
        Result v =
            run(
                "compose-version",
                List.of("docker", "compose", "version"),
                Duration.ofSeconds(20),
                null);
        if (v.exit() != 0) {
          why =
              "the Docker Compose v2 plugin is missing (`docker compose version`: "
                  + lastLine(v.output())
                  + ")";
        }
      }
    } catch (IOException e) {
      why = "the docker CLI is not installed (" + e.getMessage() + ")";
    }
    if (why == null) {
      return;
    }
    System.out.println("ComposeFleetTest: " + why + "; the compose fleet cannot run here");
    if (ComposeTools.ci()) {
      throw new AssertionError(why + "; CI starts one with ci/docker-up.sh (.ci/run)");
    }
    Assumptions.abort(why + " (run ci/docker-up.sh to start one)");
  }

  private Result compose(String name, Duration timeout, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "docker",
                "compose",
                "-p",
                PROJECT,
                "-f",
                "docker-compose.yml",
                "-f",
                "ci/compose.test.yml"));
    command.addAll(List.of(args));
    return run(name, command, timeout, logs);
  }

  private Result docker(String name, Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return run(name, command, timeout, logs);
  }

  record Result(int exit, String output) {}

  /**
   * Runs a command with its output in a file (so a long build neither blocks on a pipe nor escapes
   * the timeout), killing it past the timeout.
   */
  private static Result run(String name, List<String> command, Duration timeout, Path logDir)
      throws IOException, InterruptedException {
    Path dir = logDir != null ? logDir : Files.createTempDirectory("compose-fleet");
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(ComposeProject.root().toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    Map<String, String> env = pb.environment();
    env.put("FLEETROTATE_AGENT_TOKEN", AGENT_TOKEN);
    env.put("FLEETROTATE_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("FLEETROTATE_LOCK_BACKEND", "redis");
    env.put("DOCKER_BUILDKIT", "1");
    env.put("COMPOSE_PROGRESS", "plain");
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          String.join(" ", command) + " did not finish in " + timeout + "; output in " + out);
    }
    return new Result(p.exitValue(), Files.readString(out));
  }

  private static String lastLine(String output) {
    String s = output.strip();
    int nl = s.lastIndexOf('\n');
    return nl < 0 ? s : s.substring(nl + 1);
  }

  private void phase(String what, long startNanos) {
    long seconds = Math.round((System.nanoTime() - startNanos) / 1e9);
    timings.put(what, seconds);
    System.out.printf("ComposeFleetTest: %s: %d s%n", what, seconds);
  }

  private void writeTimings() {
    StringBuilder b = new StringBuilder();
    timings.forEach((k, v) -> b.append(v).append(" s\t").append(k).append('\n'));
    try {
      Files.createDirectories(logs);
      Files.writeString(logs.resolve("timings.txt"), b.toString());
    } catch (IOException e) {
      System.out.println("ComposeFleetTest: cannot write timings: " + e);
    }
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
