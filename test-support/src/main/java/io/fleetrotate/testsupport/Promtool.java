package io.fleetrotate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's {@code promtool} (Debian package {@code prometheus}). Without it the check is
 * skipped with a printed reason, except under {@code CI=true}, where a missing promtool fails.
 */
public final class Promtool {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private Promtool() {}

  /** Whether promtool can run; prints why not, and fails under CI=true. */
  public static boolean available() {
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

  /** {@code promtool check metrics} on a scrape must print nothing and exit 0. */
  public static void assertMetricsClean(String scrape, Path scratch)
      throws IOException, InterruptedException {
    if (!available()) {
      return;
    }
    Path file = Files.writeString(scratch.resolve("scrape.txt"), scrape);
    Output out = run(List.of(PROMTOOL.toString(), "check", "metrics"), file);
    if (!out.text().isEmpty() || out.exit() != 0) {
      throw new AssertionError(
          "promtool check metrics (exit " + out.exit() + ") complained:\n" + out.text());
    }
  }

  /** {@code promtool check rules FILE} must succeed. */
  public static void assertRulesValid(Path rules) throws IOException, InterruptedException {
    if (!available()) {
      return;
    }
    Output out = run(List.of(PROMTOOL.toString(), "check", "rules", rules.toString()), null);
    if (out.exit() != 0 || !out.text().contains("SUCCESS")) {
      throw new AssertionError(
          "promtool check rules " + rules + " (exit " + out.exit() + "):\n" + out.text());
    }
  }

  private record Output(int exit, String text) {}

  private static Output run(List<String> command, Path input)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (input != null) {
      pb.redirectInput(input.toFile());
    }
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within 60 s");
    }
    return new Output(p.exitValue(), text);
  }
}
