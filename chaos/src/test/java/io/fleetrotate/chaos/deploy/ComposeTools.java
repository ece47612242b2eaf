package io.fleetrotate.chaos.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the deploy tests use (promtool, prometheus, systemd-analyze, shells), with the
 * repository's rule for a missing one: print why and skip, except under {@code CI=true}, where CI
 * must have installed it and the test fails.
 */
final class ComposeTools {
  private ComposeTools() {}

  static boolean ci() {
    return "true".equals(System.getenv("CI"));
  }

  /**
   * Returns when {@code tool} is executable; otherwise prints why and skips the test, or fails it
   * under CI=true.
   */
  static Path require(Path tool, String install) {
    if (Files.isExecutable(tool)) {
      return tool;
    }
    String why = tool + " is not installed (" + install + ")";
    System.out.println("deploy tests: " + why + "; skipped");
    if (ci()) {
      throw new AssertionError(why + "; CI must install it (.ci/run)");
    }
    Assumptions.abort(why);
    return tool;
  }

  /** The first of {@code candidates} on the PATH, or null. */
  static Path onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  record Result(int exit, String output) {}

  /** Runs a command to its end (stdout and stderr together), failing the test past the timeout. */
  static Result run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.directory(ComposeProject.root().toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    // Read on this thread after the wait would deadlock on a full pipe; these outputs are small,
    // so reading first and then waiting is enough.
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops a process: SIGTERM, then SIGKILL after {@code grace}. */
  static void stop(Process p, Duration grace) {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
