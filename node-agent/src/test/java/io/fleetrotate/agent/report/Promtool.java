package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@code promtool check metrics} on a scrape: it must print nothing. */
final class Promtool {
  private Promtool() {}

  static void assertClean(String scrape, Path scratch) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      String why = "promtool is not installed (apt-get install prometheus); metrics not linted";
      System.out.println("Promtool: " + why);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; CI must install it");
      }
      return;
    }
    Path file = Files.writeString(scratch.resolve("scrape.txt"), scrape);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("promtool check metrics").isEmpty();
    assertThat(p.exitValue()).isZero();
  }
}
