package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fleetrotate.chaos.deploy.DockerfileParser.Instruction;
import io.fleetrotate.chaos.deploy.DockerfileParser.Stage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the Dockerfiles without a Docker engine: pinned base images, multi-stage builds of the
 * runnable jars with the Maven Wrapper, a non-root user, a HEALTHCHECK that really works (the
 * script runs here against HTTP servers), exposed ports, every copied file present, and JVM options
 * the JVM accepts.
 */
class DockerfileTest {
  private static final String DOCKER_DIR = "deploy/docker";

  /** The Java images: the module, its jar, its port(s). */
  record JavaImage(String dockerfile, String module, List<String> ports, int healthPort) {}

  private static final List<JavaImage> JAVA_IMAGES =
      List.of(
          new JavaImage("agent.Dockerfile", "node-agent", List.of("8421"), 8421),
          new JavaImage("coordinator.Dockerfile", "coordinator", List.of("8420", "5701"), 8420));

  private static List<Path> dockerfiles() throws IOException {
    try (Stream<Path> files = Files.list(ComposeProject.file(DOCKER_DIR))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".Dockerfile"))
          .sorted()
          .toList();
    }
  }

  @Test
  void composeBuildsExactlyTheDockerfilesInDeployDocker() throws IOException {
    Set<String> built = new TreeSet<>();
    ComposeProject.services()
        .forEach(
            (name, s) -> {
              Object build = ComposeProject.map(s, name).get("build");
              if (build != null) {
                Map<String, Object> b = ComposeProject.map(build, name + ".build");
                assertThat(b.get("context"))
                    .as(name + ": context is the repository root")
                    .isEqualTo(".");
                built.add(String.valueOf(b.get("dockerfile")));
              }
            });
    Set<String> present = new TreeSet<>();
    for (Path p : dockerfiles()) {
      present.add(DOCKER_DIR + "/" + p.getFileName());
    }
    assertThat(built).isEqualTo(present).hasSize(3);
  }

  @Test
  void everyBaseImageIsPinnedByARelease() throws IOException {
    SoftAssertions soft = new SoftAssertions();
    for (Path file : dockerfiles()) {
      DockerfileParser d = DockerfileParser.parse(file);
      List<String> stageNames = new ArrayList<>();
      for (Stage stage : d.stages()) {
        if (!stageNames.contains(stage.image())) {
          String image = stage.image();
          soft.assertThat(image).as(file.getFileName() + ": FROM " + image).contains(":");
          String tag = image.substring(image.lastIndexOf(':') + 1);
          soft.assertThat(tag)
              .as(file.getFileName() + ": FROM " + image + " names a release")
              .isNotEqualToIgnoringCase("latest")
              .matches("v?\\d+\\.\\d+(\\.\\d+)?.*")
              .doesNotContain("$");
        }
        if (stage.name() != null) {
          stageNames.add(stage.name());
        }
      }
    }
    soft.assertAll();
  }

  @Test
  void javaImagesBuildTheJarInAStageOfTheirOwnWithTheMavenWrapper() throws IOException {
    for (JavaImage image : JAVA_IMAGES) {
      DockerfileParser d =
          DockerfileParser.parse(ComposeProject.file(DOCKER_DIR + "/" + image.dockerfile()));
      assertThat(d.stages()).as(image.dockerfile() + ": stages").hasSize(2);
      Stage build = d.stages().get(0);
      assertThat(build.name()).isEqualTo("build");
      assertThat(build.image()).startsWith("maven:3.9.").contains("eclipse-temurin-17");
      assertThat(build.all("RUN"))
          .as(image.dockerfile() + ": the build")
          .anySatisfy(
              run ->
                  assertThat(run.arguments())
                      .contains("./mvnw -B -q -pl " + image.module() + " -am package -DskipTests"));
      Stage runtime = d.finalStage();
      assertThat(runtime.image()).startsWith("eclipse-temurin:17.").contains("-jre");
      String jar = "/opt/fleetrotate/" + image.module() + ".jar";
      assertThat(runtime.all("COPY"))
          .anySatisfy(
              copy ->
                  assertThat(copy.words())
                      .containsExactly(
                          "--from=build",
                          "/src/" + image.module() + "/target/" + image.module() + ".jar",
                          jar));
      assertThat(runtime.last("ENTRYPOINT").execForm()).contains("-jar", jar);
    }
  }

  @Test
  void theBuildStageHasThePomOfEveryModuleTheReactorReads() throws IOException {
    // The root pom lists every module; Maven reads all their poms even for -pl one -am.
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ComposeProject.file("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1));
    }
    assertThat(modules).isNotEmpty();
    for (JavaImage image : JAVA_IMAGES) {
      Stage build =
          DockerfileParser.parse(ComposeProject.file(DOCKER_DIR + "/" + image.dockerfile()))
              .stages()
              .get(0);
      List<String> copied = new ArrayList<>();
      build.all("COPY").forEach(c -> copied.addAll(c.words()));
      assertThat(copied).as(image.dockerfile()).contains("pom.xml", ".mvn/", "mvnw");
      for (String module : modules) {
        assertThat(copied)
            .as(image.dockerfile() + ": the build stage copies " + module + "'s pom")
            .containsAnyOf(module + "/", module + "/pom.xml");
      }
    }
  }

  @Test
  void finalStagesRunAsANonRootUser() throws IOException {
    for (Path file : dockerfiles()) {
      Instruction user = DockerfileParser.parse(file).finalStage().last("USER");
      assertThat(user).as(file.getFileName() + ": USER in the final stage").isNotNull();
      String who = user.arguments().split(":")[0];
      assertThat(who).as(file.getFileName() + ": USER").isNotIn("root", "0", "");
      // Numeric, so that runtimes which check "non-root" without /etc/passwd can tell.
      assertThat(who).as(file.getFileName() + ": USER is numeric").matches("\\d+");
      // Same uid everywhere: the agent signals the server without CAP_KILL.
      assertThat(user.arguments()).isEqualTo("10001:10001");
    }
  }

  @Test
  void javaImagesCheckTheirHealthOnTheirHttpPort() throws IOException {
    for (JavaImage image : JAVA_IMAGES) {
      Stage runtime =
          DockerfileParser.parse(ComposeProject.file(DOCKER_DIR + "/" + image.dockerfile()))
              .finalStage();
      Instruction hc = runtime.last("HEALTHCHECK");
      assertThat(hc).as(image.dockerfile() + ": HEALTHCHECK").isNotNull();
      String cmd = hc.arguments().substring(hc.arguments().indexOf("CMD") + 3).trim();
      assertThat(new Instruction(hc.line(), "CMD", cmd).execForm())
          .containsExactly("/opt/fleetrotate/healthcheck.sh", String.valueOf(image.healthPort()));
      assertThat(hc.arguments())
          .contains("--interval=", "--timeout=", "--start-period=", "--retries=");
      List<String> exposed = new ArrayList<>();
      runtime.all("EXPOSE").forEach(e -> exposed.addAll(e.words()));
      assertThat(exposed).as(image.dockerfile() + ": EXPOSE").isEqualTo(image.ports());
      assertThat(runtime.all("COPY"))
          .anySatisfy(
              c ->
                  assertThat(c.words())
                      .containsExactly(
                          "--chmod=0755",
                          "deploy/docker/healthcheck.sh",
                          "/opt/fleetrotate/healthcheck.sh"));
    }
    Instruction simHealth =
        DockerfileParser.parse(ComposeProject.file(DOCKER_DIR + "/mcp-server-sim.Dockerfile"))
            .finalStage()
            .last("HEALTHCHECK");
    assertThat(simHealth).isNotNull();
    assertThat(simHealth.arguments()).contains("kill -0", "/run/mcp-server/server.pid");
  }

  @Test
  void everyCopiedFileIsInTheBuildContext() throws IOException {
    SoftAssertions soft = new SoftAssertions();
    for (Path file : dockerfiles()) {
      for (Stage stage : DockerfileParser.parse(file).stages()) {
        for (Instruction copy : stage.all("COPY")) {
          List<String> words = copy.words().stream().filter(w -> !w.startsWith("--")).toList();
          if (copy.arguments().contains("--from=")) {
            continue;
          }
          for (String source : words.subList(0, words.size() - 1)) {
            soft.assertThat(ComposeProject.root().resolve(source))
                .as(file.getFileName() + ":" + copy.line() + ": COPY " + source)
                .exists();
          }
        }
        for (Instruction add : stage.all("ADD")) {
          soft.fail(file.getFileName() + ":" + add.line() + ": use COPY, not ADD");
        }
      }
    }
    soft.assertAll();
  }

  @Test
  void buildOutputOfThisMachineStaysOutOfEveryBuildContext() throws IOException {
    // COPY node-agent/ would otherwise carry node-agent/target into the build, where Maven may
    // take stale classes for up to date. BuildKit reads <Dockerfile>.dockerignore beside it.
    for (Path file : dockerfiles()) {
      Path ignore = file.resolveSibling(file.getFileName() + ".dockerignore");
      assertThat(ignore).as(file.getFileName() + ": its .dockerignore").isRegularFile();
      List<String> patterns =
          Files.readAllLines(ignore).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .toList();
      assertThat(patterns).as(ignore.getFileName().toString()).contains("**/target", ".git");
    }
  }

  @Test
  void theConfigurationBakedIntoEachJavaImageIsWhatItsCommandReads() throws IOException {
    for (JavaImage image : JAVA_IMAGES) {
      Stage runtime =
          DockerfileParser.parse(ComposeProject.file(DOCKER_DIR + "/" + image.dockerfile()))
              .finalStage();
      List<String> cmd = runtime.last("CMD").execForm();
      assertThat(cmd).hasSize(3).startsWith("run", "--config");
      String config = cmd.get(2);
      assertThat(runtime.all("COPY"))
          .anySatisfy(c -> assertThat(c.words()).last().isEqualTo(config));
    }
  }

  @Test
  void theJvmAcceptsTheEntrypointOptions() throws Exception {
    for (JavaImage image : JAVA_IMAGES) {
      List<String> entrypoint =
          DockerfileParser.parse(ComposeProject.file(DOCKER_DIR + "/" + image.dockerfile()))
              .finalStage()
              .last("ENTRYPOINT")
              .execForm();
      List<String> command = new ArrayList<>();
      for (String word : entrypoint) {
        if (word.equals("java")) {
          command.add(ComposeProject.java());
        } else if (word.startsWith("/opt/fleetrotate/")) {
          command.add(ComposeProject.jar(image.module()).toString());
        } else {
          command.add(word);
        }
      }
      command.add("--version");
      ComposeTools.Result r = ComposeTools.run(command, Map.of(), Duration.ofMinutes(1));
      assertThat(r.exit()).as(String.join(" ", command) + "\n" + r.output()).isZero();
      assertThat(r.output()).contains("fleetrotate");
    }
  }

  // ---- the HEALTHCHECK script, against real HTTP servers ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "200 {\"status\":\"UP\",\"nodes\":3} -> 0",
        "200 {\"status\":\"DEGRADED\",\"lock\":{\"available\":false}} -> 0",
        "200 {\"status\":\"STARTING\",\"node\":\"mcp-host-1\"} -> 1",
        "503 {\"status\":\"UP\"} -> 1",
        "404 not found -> 1"
      })
  void healthcheckScriptPassesOnlyOnAnUpOrDegradedAnswer(String scenario) throws Exception {
    int status = Integer.parseInt(scenario.substring(0, 3));
    String body = scenario.substring(4, scenario.lastIndexOf(" -> "));
    int expected = Integer.parseInt(scenario.substring(scenario.lastIndexOf(' ') + 1));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/health",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    try {
      ComposeTools.Result r = healthcheck(server.getAddress().getPort());
      assertThat(r.exit()).as(r.output()).isEqualTo(expected);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void healthcheckScriptFailsWhenNothingListens() throws Exception {
    ComposeTools.Result r = healthcheck(ComposeTools.freePort());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("nothing listens");
  }

  static ComposeTools.Result healthcheck(int port) throws Exception {
    Path bash = ComposeTools.require(Path.of("/bin/bash"), "apt-get install bash");
    return ComposeTools.run(
        List.of(bash.toString(), "deploy/docker/healthcheck.sh", String.valueOf(port)),
        Map.of(),
        Duration.ofSeconds(30));
  }
}
