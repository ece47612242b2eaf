package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./fleetrotate} launcher's own commands: the ones that must answer at once without
 * building anything ({@code --version}, {@code build --help}) and the mistakes that are one
 * sentence and exit code 2; the agent's class-data archive.
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
}
