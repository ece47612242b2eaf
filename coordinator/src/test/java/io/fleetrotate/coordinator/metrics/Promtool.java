package io.fleetrotate.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs promtool. Without it: skipped with a printed reason, except under CI=true, where a missing
 * promtool fails the test.
 */
final class Promtool {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private Promtool() {}

  static boolean available() {
    if (Files.isExecutable(PROMTOOL)) {
      return true;
    }
    String why = "promtool is not installed (apt-get install prometheus); not linted";
    System.out.println("Promtool: " + why);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + "; CI must install it");
    }
    return false;
  }

  /** {@code promtool check metrics} on a scrape must print nothing. */
  static void assertMetricsClean(String scrape, Path scratch) throws Exception {
    if (!available()) {
      return;
    }
    Path file = Files.writeString(scratch.resolve("scrape.txt"), scrape);
    Output out = run(List.of(PROMTOOL.toString(), "check", "metrics"), file);
    assertThat(out.text()).as("promtool check metrics").isEmpty();
    assertThat(out.exit()).isZero();
  }

  /** {@code promtool check rules FILE} must succeed. */
  static void assertRulesValid(Path rules) throws Exception {
    if (!available()) {
      return;
    }
    Output out = run(List.of(PROMTOOL.toString(), "check", "rules", rules.toString()), null);
    assertThat(out.exit()).as(out.text()).isZero();
    assertThat(out.text()).contains("SUCCESS");
  }

  private record Output(int exit, String text) {}

  private static Output run(List<String> command, Path input) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (input != null) {
      pb.redirectInput(input.toFile());
    }
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Output(p.exitValue(), text);
  }
}
