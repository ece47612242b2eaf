package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./fleetrotate} launcher's own commands: the ones that must answer at once without
 * building anything ({@code --version}, {@code build --help}) and the mistakes that are one
 * sentence and exit code 2; what it rebuilds, which it reads from the poms; and the agent's
 * class-data archive.
 */
class LauncherTest {
  private static final Path LAUNCHER = ComposeProject.file("fleetrotate");

  private static ComposeTools.Result launch(String... args) throws Exception {
    return launch(Map.of(), args);
  }

  private static ComposeTools.Result launch(Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", LAUNCHER.toString()));
    command.addAll(List.of(args));
    return ComposeTools.run(command, env, Duration.ofSeconds(60));
  }

  @Test
  void theAgentStartsFromAClassDataArchiveMadeOncePerBuild() throws Exception {
    Path target = ComposeProject.file("node-agent/target");
    try (var old = Files.newDirectoryStream(target, "node-agent-*.jsa")) {
      for (Path jsa : old) {
        Files.delete(jsa);
      }
    }
    String version = "fleetrotate agent " + ComposeProject.projectVersion();

    var first = launch("agent", "--version");
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output())
        .contains("fleetrotate: preparing a class-data archive of node-agent.jar")
        .endsWith(version + "\n");
    try (var made = Files.newDirectoryStream(target, "node-agent-*.jsa")) {
      assertThat(made).as("the archive in " + target).hasSize(1);
    }

    // -Xshare:on makes the JVM fail rather than start without the archive.
    var second =
        launch(
            Map.of("FLEETROTATE_OPTS", "-XX:+UseSerialGC -Xmx48m -Xshare:on"),
            "agent",
            "--version");
    assertThat(second.exit()).as(second.output()).isZero();
    assertThat(second.output()).isEqualTo(version + "\n");
  }

  @Test
  void versionIsTheProjectVersionUnderEachSpelling() throws Exception {
    for (String spelling : List.of("--version", "version", "-V")) {
      var r = launch(spelling);
      assertThat(r.exit()).as(spelling).isZero();
      assertThat(r.output().strip())
          .as(spelling)
          .isEqualTo("fleetrotate " + ComposeProject.projectVersion());
    }
  }

  @Test
  void buildHelpExplainsAndBuildsNothing() throws Exception {
    // The launcher writes target/fleetrotate-build.log whenever it runs Maven.
    Path log = ComposeProject.file("target/fleetrotate-build.log");
    FileTime before = Files.exists(log) ? Files.getLastModifiedTime(log) : null;
    var r = launch("build", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.output()).startsWith("Usage: ./fleetrotate build").doesNotContain("building");
    FileTime after = Files.exists(log) ? Files.getLastModifiedTime(log) : null;
    assertThat(after).as("build --help must not run Maven").isEqualTo(before);
  }

  @Test
  void mistakesAreOneSentenceAndExitCodeTwo() throws Exception {
    var option = launch("build", "--fast");
    assertThat(option.exit()).isEqualTo(2);
    assertThat(option.output().strip())
        .isEqualTo(
            "fleetrotate: build takes no options (got '--fast'); run ./mvnw directly for more"
                + " control.");
    var unknown = launch("rotate");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.output().strip())
        .startsWith("fleetrotate: unknown command 'rotate'; the commands are")
        .contains("version")
        .doesNotContain("\n");
  }

  /**
   * In a copy of the launcher beside a small project (a root pom; {@code node-agent} depends on
   * {@code fleet-lock}, which depends on {@code base}; {@code coordinator} on {@code base}; a
   * stand-in {@code mvnw} that records its arguments, a stand-in {@code java}): a source changed in
   * a module the agent reaches only through another module rebuilds the agent's jar, one changed in
   * the coordinator (named by the agent's pom only in an exclusion) does not.
   */
  @Test
  void whatIsRebuiltFollowsTheModuleGraphInThePoms(@TempDir Path root) throws Exception {
    Files.copy(LAUNCHER, root.resolve("fleetrotate"));
    Files.writeString(
        root.resolve("pom.xml"),
        "<project><artifactId>fleetrotate-parent</artifactId><version>1</version><modules>\n"
            + "  <module>base</module>\n  <module>fleet-lock</module>\n"
            + "  <module>node-agent</module>\n  <module>coordinator</module>\n"
            + "</modules></project>\n");
    module(root, "base", "", false);
    module(root, "fleet-lock", dependency("base", ""), false);
    module(
        root,
        "node-agent",
        dependency(
            "fleet-lock",
            "<exclusions><exclusion>\n<artifactId>coordinator</artifactId>\n</exclusion>"
                + "</exclusions>\n"),
        true);
    module(root, "coordinator", dependency("base", ""), true);
    Path calls = root.resolve("mvnw.calls");
    script(root.resolve("mvnw"), "echo \"$*\" >> '" + calls + "'");
    script(root.resolve("jdk/bin/java"), "echo \"java $*\"");
    Instant now = Instant.now();
    Map<String, String> env = Map.of("JAVA_HOME", root.resolve("jdk").toString());
    List<String> agent = List.of("sh", root.resolve("fleetrotate").toString(), "agent", "status");

    var fresh = ComposeTools.run(agent, env, Duration.ofSeconds(30));
    assertThat(fresh.exit()).as(fresh.output()).isZero();
    assertThat(fresh.output()).contains("-jar " + root.resolve("node-agent/target/node-agent.jar"));
    assertThat(calls).as("nothing is newer than the jar: no build").doesNotExist();

    touch(root.resolve("coordinator/src/main/C.java"), now);
    var unrelated = ComposeTools.run(agent, env, Duration.ofSeconds(30));
    assertThat(unrelated.exit()).as(unrelated.output()).isZero();
    assertThat(calls).as("the agent does not depend on the coordinator").doesNotExist();

    touch(root.resolve("base/src/main/B.java"), now);
    var transitive = ComposeTools.run(agent, env, Duration.ofSeconds(30));
    assertThat(transitive.exit()).as(transitive.output()).isZero();
    assertThat(calls).as("base <- fleet-lock <- node-agent").exists();
    assertThat(Files.readString(calls)).contains("-pl node-agent -am package");
  }

  private static String dependency(String artifactId, String more) {
    return "<dependency>\n<groupId>io.fleetrotate</groupId>\n<artifactId>"
        + artifactId
        + "</artifactId>\n"
        + more
        + "</dependency>\n";
  }

  private static void module(Path root, String name, String dependencies, boolean jar)
      throws Exception {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.writeString(
        dir.resolve("pom.xml"),
        "<project>\n<artifactId>"
            + name
            + "</artifactId>\n<dependencies>\n"
            + dependencies
            + "</dependencies>\n"
            + (jar ? "<build><finalName>" + name + "</finalName></build>\n" : "")
            + "</project>\n");
    touch(dir.resolve("src/main/Main.java"), Instant.now().minusSeconds(3600));
    touch(dir.resolve("pom.xml"), Instant.now().minusSeconds(3600));
    if (jar) {
      touch(dir.resolve("target/" + name + ".jar"), Instant.now().minusSeconds(60));
    }
    touch(root.resolve("pom.xml"), Instant.now().minusSeconds(3600));
  }

  private static void touch(Path file, Instant time) throws Exception {
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, "");
    }
    Files.setLastModifiedTime(file, FileTime.from(time));
  }

  private static void script(Path file, String body) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
