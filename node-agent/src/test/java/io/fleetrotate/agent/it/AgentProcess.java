package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent as a child JVM on the test classpath ({@link HookedAgentMain}, or another main class),
 * so tests can SIGKILL it.
 */
public final class AgentProcess {
  private AgentProcess() {}

  static Process start(Path logFile, List<String> jvmArgs, String... args) throws IOException {
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
    return start(HookedAgentMain.class, jvmArgs, log, log, args);
  }

  /**
   * Starts {@code main} with {@code args}; stdout and stderr go where {@code out} and {@code err}
   * say (the same appending redirect for both merges them).
   */
  public static Process start(
      Class<?> main,
      List<String> jvmArgs,
      ProcessBuilder.Redirect out,
      ProcessBuilder.Redirect err,
      String... args)
      throws IOException {
    return start(main, jvmArgs, Map.of(), out, err, args);
  }

  /** As above, with {@code env} added to the child's environment. */
  public static Process start(
      Class<?> main,
      List<String> jvmArgs,
      Map<String, String> env,
      ProcessBuilder.Redirect out,
      ProcessBuilder.Redirect err,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs to completion and returns the exit code. */
  static int run(Path logFile, String... args) throws Exception {
    return run(logFile, Map.of(), args);
  }

  /** As above, with {@code env} added to the child's environment. */
  static int run(Path logFile, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
    Process p = start(HookedAgentMain.class, List.of(), env, log, log, args);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("agent finished").isTrue();
    return p.exitValue();
  }
}
