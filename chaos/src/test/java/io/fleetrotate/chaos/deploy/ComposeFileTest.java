package io.fleetrotate.chaos.deploy;

import static io.fleetrotate.chaos.deploy.ComposeProject.HOSTS;
import static io.fleetrotate.chaos.deploy.ComposeProject.at;
import static io.fleetrotate.chaos.deploy.ComposeProject.list;
import static io.fleetrotate.chaos.deploy.ComposeProject.map;
import static io.fleetrotate.chaos.deploy.ComposeProject.mountAt;
import static io.fleetrotate.chaos.deploy.ComposeProject.service;
import static io.fleetrotate.chaos.deploy.ComposeProject.services;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code docker-compose.yml} without a Docker engine: the services, how each MCP host's
 * agent and server share their log volume and PID namespace, ports, health checks, start order,
 * pinned images, that every file it names exists, and that the configurations it mounts are valid
 * for the real jars.
 */
class ComposeFileTest {
  private static final Pattern IMAGE =
      Pattern.compile("^([a-z0-9][a-z0-9._/-]*):([A-Za-z0-9._-]+)$");

  @Test
  void definesTheFleetServices() {
    Set<String> expected = new TreeSet<>(List.of("redis", "coordinator", "prometheus", "grafana"));
    for (String host : HOSTS) {
      expected.add(host + "-server");
      expected.add(host + "-agent");
    }
    assertThat(new TreeSet<>(services().keySet())).isEqualTo(expected);
  }

  @Test
  void everyImageIsPinnedByATag() {
    String version = ComposeProject.projectVersion();
    SoftAssertions soft = new SoftAssertions();
    services()
        .forEach(
            (name, s) -> {
              Map<String, Object> svc = map(s, name);
              Object image = svc.get("image");
              soft.assertThat(image).as(name + ": image").isInstanceOf(String.class);
              if (!(image instanceof String ref)) {
                return;
              }
              Matcher m = IMAGE.matcher(ref);
              soft.assertThat(m.matches()).as(name + ": " + ref + " is repository:tag").isTrue();
              if (!m.matches()) {
                return;
              }
              String tag = m.group(2);
              soft.assertThat(tag).as(name + ": tag of " + ref).isNotEqualToIgnoringCase("latest");
              if (svc.containsKey("build")) {
                // Images compose builds carry the project's version, not a floating tag.
                soft.assertThat(m.group(1)).as(name + ": built image").startsWith("fleetrotate/");
                soft.assertThat(tag).as(name + ": built image tag").isEqualTo(version);
              } else {
                soft.assertThat(tag)
                    .as(name + ": " + ref + " names a release (major.minor.patch)")
                    .matches("v?\\d+\\.\\d+\\.\\d+.*");
              }
            });
    soft.assertAll();
  }

  @Test
  void everyFileItNamesExists() {
    SoftAssertions soft = new SoftAssertions();
    services()
        .forEach(
            (name, s) -> {
              Map<String, Object> svc = map(s, name);
              if (svc.get("build") != null) {
                Map<String, Object> build = map(svc.get("build"), name + ".build");
                Path context = ComposeProject.root().resolve(String.valueOf(build.get("context")));
                soft.assertThat(context).as(name + ": build context").isDirectory();
                Path dockerfile = context.resolve(String.valueOf(build.get("dockerfile")));
                soft.assertThat(dockerfile).as(name + ": dockerfile").isRegularFile();
              }
              for (ComposeProject.Mount m : ComposeProject.mounts(name)) {
                if (m.isBind()) {
                  soft.assertThat(ComposeProject.root().resolve(m.source()))
                      .as(name + ": bind mount source " + m.source())
                      .exists();
                  soft.assertThat(m.readOnly())
                      .as(name + ": " + m.source() + " read-only")
                      .isTrue();
                } else {
                  soft.assertThat(map(ComposeProject.compose().get("volumes"), "volumes"))
                      .as(name + ": named volume " + m.source() + " is declared")
                      .containsKey(m.source());
                }
              }
            });
    soft.assertAll();
  }

  @Test
  void portsArePublishedOnLoopbackOnly() {
    Map<String, List<String>> published = new HashMap<>();
    services()
        .forEach(
            (name, s) -> {
              Object ports = map(s, name).get("ports");
              if (ports != null) {
                for (Object p : list(ports, name + ".ports")) {
                  published.computeIfAbsent(name, k -> new ArrayList<>()).add(String.valueOf(p));
                }
              }
            });
    assertThat(published)
        .containsOnlyKeys("coordinator", "prometheus", "grafana")
        .containsEntry("coordinator", List.of("127.0.0.1:8420:8420"))
        .containsEntry("prometheus", List.of("127.0.0.1:9090:9090"))
        .containsEntry("grafana", List.of("127.0.0.1:3000:3000"));
    assertThat(service("coordinator").get("expose")).isEqualTo(List.of("5701"));
    for (String host : HOSTS) {
      assertThat(service(host + "-agent").get("expose")).as(host).isEqualTo(List.of("8421"));
    }
  }

  @Test
  void everyServiceHasAHealthCheckOnItsOwnPort() {
    SoftAssertions soft = new SoftAssertions();
    services()
        .forEach(
            (name, s) -> {
              Object hc = map(s, name).get("healthcheck");
              soft.assertThat(hc).as(name + ": healthcheck").isNotNull();
              if (hc == null) {
                return;
              }
              Map<String, Object> h = map(hc, name + ".healthcheck");
              List<Object> test = list(h.get("test"), name + ".healthcheck.test");
              soft.assertThat(test.get(0)).as(name + ": test form").isIn("CMD", "CMD-SHELL");
              soft.assertThat(h).as(name).containsKeys("interval", "timeout", "retries");
              soft.assertThat(h.get("disable")).as(name + ": disabled").isNull();
            });
    soft.assertAll();
    assertThat(at(service("coordinator"), "healthcheck.test"))
        .isEqualTo(List.of("CMD", "/opt/fleetrotate/healthcheck.sh", "8420"));
    for (String host : HOSTS) {
      assertThat(at(service(host + "-agent"), "healthcheck.test"))
          .isEqualTo(List.of("CMD", "/opt/fleetrotate/healthcheck.sh", "8421"));
    }
  }

  @Test
  void servicesStartOnceWhatTheyNeedIsHealthy() {
    Map<String, Map<String, String>> expected = new HashMap<>();
    for (String host : HOSTS) {
      expected.put(
          host + "-agent",
          Map.of(
              host + "-server",
              "service_healthy",
              "coordinator",
              "service_healthy",
              "redis",
              "service_healthy"));
    }
    expected.put("prometheus", Map.of("coordinator", "service_healthy"));
    expected.put("grafana", Map.of("prometheus", "service_healthy"));
    Map<String, Map<String, String>> actual = new HashMap<>();
    services()
        .forEach(
            (name, s) -> {
              Object deps = map(s, name).get("depends_on");
              if (deps == null) {
                return;
              }
              Map<String, String> conditions = new HashMap<>();
              map(deps, name + ".depends_on")
                  .forEach(
                      (dep, spec) ->
                          conditions.put(
                              dep, String.valueOf(map(spec, name + "." + dep).get("condition"))));
              actual.put(name, conditions);
            });
    assertThat(actual).isEqualTo(expected);
    for (String host : HOSTS) {
      // The agent joined the server's PID namespace: when the server restarts, so must it.
      assertThat(at(service(host + "-agent"), "depends_on." + host + "-server.restart"))
          .as(host)
          .isEqualTo(true);
    }
  }

  @Test
  void eachHostsAgentSharesTheLogVolumeAndPidNamespaceOfItsServer() throws Exception {
    Map<String, Object> agentConfig =
        ComposeProject.yaml(ComposeProject.file("deploy/compose/agent.yaml"));
    Map<String, Object> file = map(list(agentConfig.get("files"), "files").get(0), "files[0]");
    Path log = Path.of(String.valueOf(file.get("path")));
    Path pidFile = Path.of(String.valueOf(at(file, "reopen.pidFile")));
    String stateDir = String.valueOf(agentConfig.get("stateDir"));
    assertThat(at(file, "reopen.method")).isEqualTo("signal");

    Set<String> volumesSeen = new HashSet<>();
    for (String host : HOSTS) {
      String agent = host + "-agent";
      String server = host + "-server";
      assertThat(service(agent).get("pid")).as(agent).isEqualTo("service:" + server);
      assertThat(service(agent).get("hostname")).as(agent).isEqualTo(host);
      assertThat(mountAt(agent, "/etc/fleetrotate/agent.yaml").source())
          .isEqualTo("./deploy/compose/agent.yaml");

      String logDir = log.getParent().toString();
      ComposeProject.Mount agentLogs = mountAt(agent, logDir);
      ComposeProject.Mount serverLogs = mountAt(server, logDir);
      assertThat(agentLogs.source()).as(host + " log volume").isEqualTo(serverLogs.source());
      assertThat(agentLogs.readOnly()).as(agent + " renames in " + logDir).isFalse();

      String runDir = pidFile.getParent().toString();
      assertThat(mountAt(agent, runDir).source())
          .as(host + " pid file volume")
          .isEqualTo(mountAt(server, runDir).source());
      assertThat(mountAt(server, runDir).readOnly()).isFalse();

      ComposeProject.Mount state = mountAt(agent, stateDir);
      assertThat(state.isBind()).isFalse();
      for (String v :
          List.of(agentLogs.source(), mountAt(agent, runDir).source(), state.source())) {
        assertThat(volumesSeen.add(v)).as(v + " belongs to one host only").isTrue();
      }
      // The simulated server writes where the agent looks, under a user the agent may signal.
      Map<String, Object> env = map(service(server).get("environment"), server + ".environment");
      assertThat(env.getOrDefault("MCP_LOG", scriptDefault("MCP_LOG"))).isEqualTo(log.toString());
      assertThat(env.getOrDefault("MCP_PID_FILE", scriptDefault("MCP_PID_FILE")))
          .isEqualTo(pidFile.toString());
      assertThat(service(server).get("init")).as(server + " init").isEqualTo(true);
    }
  }

  /** The default the simulated server's script gives a variable: {@code ${NAME:-default}}. */
  private static String scriptDefault(String variable) throws Exception {
    String script = Files.readString(ComposeProject.file("deploy/docker/mcp-server-sim.sh"));
    Matcher m = Pattern.compile("\\$\\{" + variable + ":-([^}]*)}").matcher(script);
    assertThat(m.find()).as("mcp-server-sim.sh reads " + variable).isTrue();
    return m.group(1);
  }

  @Test
  void theAgentConfigurationPointsAtTheComposeServices() {
    Map<String, Object> agent =
        ComposeProject.yaml(ComposeProject.file("deploy/compose/agent.yaml"));
    Map<String, Object> coordinator =
        ComposeProject.yaml(ComposeProject.file("deploy/compose/coordinator.yaml"));
    assertThat(at(agent, "coordinator.url")).isEqualTo("http://coordinator:8420");
    assertThat(at(agent, "lock.hazelcast.members")).isEqualTo(List.of("coordinator:5701"));
    assertThat(at(agent, "lock.hazelcast.clusterName"))
        .isEqualTo(at(coordinator, "hazelcast.clusterName"));
    assertThat(at(coordinator, "hazelcast.port")).isEqualTo(5701);
    assertThat(at(coordinator, "hazelcast.enabled")).isEqualTo(true);
    assertThat(at(agent, "lock.redis.uri")).isEqualTo("redis://redis:6379");
    assertThat(service("redis").get("expose")).isEqualTo(List.of("6379"));
    assertThat(at(agent, "http.port")).isEqualTo(8421);
    assertThat(at(coordinator, "http.port")).isEqualTo(8420);
    assertThat(mountAt("coordinator", "/etc/fleetrotate/coordinator.yaml").source())
        .isEqualTo("./deploy/compose/coordinator.yaml");
    assertThat(mountAt("coordinator", String.valueOf(at(coordinator, "store.dir"))).isBind())
        .isFalse();
    // The tokens the agents send are among those the coordinator accepts.
    assertThat(at(agent, "coordinator.token")).isEqualTo("${FLEETROTATE_AGENT_TOKEN}");
    assertThat(at(coordinator, "auth.agentTokens"))
        .isEqualTo(List.of("${FLEETROTATE_AGENT_TOKEN}"));
    assertThat(at(service("coordinator"), "environment.FLEETROTATE_AGENT_TOKEN"))
        .isEqualTo(at(service("mcp-host-1-agent"), "environment.FLEETROTATE_AGENT_TOKEN"));
  }

  @Test
  void theMountedConfigurationsAreValidForTheRealJars() throws Exception {
    Map<String, String> env =
        Map.of(
            "FLEETROTATE_AGENT_TOKEN", "compose-agent-token-change-me",
            "FLEETROTATE_ADMIN_TOKEN", "compose-admin-token-change-me",
            "FLEETROTATE_SCRAPE_TOKEN", "compose-scrape-token-change-me",
            "HOSTNAME", "mcp-host-1");
    for (String backend : List.of("hazelcast", "redis")) {
      Map<String, String> agentEnv = new HashMap<>(env);
      agentEnv.put("FLEETROTATE_LOCK_BACKEND", backend);
      ComposeTools.Result agent =
          ComposeTools.run(
              List.of(
                  ComposeProject.java(),
                  "-jar",
                  ComposeProject.jar("node-agent").toString(),
                  "validate",
                  "--config",
                  "deploy/compose/agent.yaml"),
              agentEnv,
              Duration.ofMinutes(1));
      System.out.print(agent.output());
      assertThat(agent.exit()).as(agent.output()).isZero();
      assertThat(agent.output()).contains("lock backend " + backend);
    }
    ComposeTools.Result coordinator =
        ComposeTools.run(
            List.of(
                ComposeProject.java(),
                "-jar",
                ComposeProject.jar("coordinator").toString(),
                "validate",
                "--config",
                "deploy/compose/coordinator.yaml"),
            env,
            Duration.ofMinutes(1));
    System.out.print(coordinator.output());
    assertThat(coordinator.exit()).as(coordinator.output()).isZero();
  }

  @Test
  void everyVariableIsEscapedOrHasADefault() throws Exception {
    // Compose substitutes $NAME and ${NAME...} everywhere in the file and refuses any other "$"
    // ("$$" is a literal "$"). Each variable has a default, so that "docker compose up" needs no
    // environment at all.
    String text = Files.readString(ComposeProject.file("docker-compose.yml"));
    String withoutLiterals = text.replaceAll("(?m)^\\s*#.*$", "").replace("$$", "");
    Matcher m = Pattern.compile("\\$(\\{[^}]*}|[A-Za-z_][A-Za-z0-9_]*|.)").matcher(withoutLiterals);
    List<String> problems = new ArrayList<>();
    while (m.find()) {
      String ref = m.group(1);
      if (!ref.matches("\\{[A-Za-z_][A-Za-z0-9_]*:-[^}]*}")) {
        problems.add("$" + ref);
      }
    }
    assertThat(problems).as("variables without a ${NAME:-default} form").isEmpty();
  }
}
