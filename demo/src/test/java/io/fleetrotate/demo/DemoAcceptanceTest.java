package io.fleetrotate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetrotate.chaos.check.RotationChecks;
import io.fleetrotate.chaos.fleet.CoordinatorApi;
import io.fleetrotate.chaos.fleet.FleetJars;
import io.fleetrotate.chaos.fleet.RedisNode;
import io.fleetrotate.chaos.fleet.Rotation;
import io.fleetrotate.chaos.fleet.Signals;
import io.fleetrotate.chaos.fleet.TestFleets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo as a user runs it, in its own JVM (DemoMain from the test classpath, the agent and
 * coordinator from their built jars): within 3 minutes the coordinator lists at least 6 successful
 * rotations from 3 nodes, never two of the group at once; SIGINT then stops every process. The same
 * with {@code --redis} once the agent has its Redis backend.
 */
class DemoAcceptanceTest {
  private static final Pattern DASHBOARD =
      Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:\\d+)/#token=(\\S+)");

  @Test
  void threeAgentsRotateInTurnAndCtrlCLeavesNothingRunning() throws Exception {
    runDemo(false);
  }

  @Test
  void withRedisTheLeasesComeFromALocalRedisServer() throws Exception {
    if (RedisNode.findBinary().isEmpty()) {
      String why = "redis-server is not on PATH; the demo's --redis needs it";
      assertThat("true".equals(System.getenv("CI")))
          .as(why + " (CI=true, where .ci/run installs it, so this is a failure)")
          .isFalse();
      assumeTrue(false, why);
    }
    runDemo(true);
  }

  private void runDemo(boolean redis) throws Exception {
    FleetJars jars = TestFleets.jars();
    Path runDir = TestFleets.runDir(redis ? "demo-redis" : "demo");
    Path out = runDir.resolveSibling(runDir.getFileName() + ".out");
    long started = System.nanoTime();
    // env --default-signal: the suite may run as a background job of a shell, which starts it
    // with SIGINT ignored, inherited by every child; the JVM then never handles the test's Ctrl-C.
    List<String> command =
        new ArrayList<>(
            List.of(
                "env",
                "--default-signal=INT",
                FleetJars.java(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                DemoMain.class.getName(),
                "--home",
                jars.home().toString(),
                "--agents",
                "3",
                "--dir",
                runDir.toString()));
    if (redis) {
      command.add("--redis");
    }
    Process demo =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Set<Long> children = new HashSet<>();
    try {
      Matcher[] dashboard = new Matcher[1];
      await("the demo prints its dashboard URL (see " + out + ")")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertThat(demo.isAlive()).as("demo running; see " + out).isTrue();
                Matcher m = DASHBOARD.matcher(Files.readString(out));
                dashboard[0] = m;
                return m.find();
              });
      String output = Files.readString(out);
      assertThat(output).contains("State directory: " + runDir);
      String token = dashboard[0].group(2);
      assertThat(token.length()).isGreaterThanOrEqualTo(16);
      CoordinatorApi api = new CoordinatorApi(URI.create(dashboard[0].group(1)), token);

      List<Rotation>[] history = new List[1];
      Duration left = Duration.ofMinutes(3).minusNanos(System.nanoTime() - started);
      await("6 successful rotations from 3 nodes within 3 minutes of the start")
          .atMost(left)
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                history[0] = api.rotations();
                List<Rotation> ok = history[0].stream().filter(Rotation::succeeded).toList();
                return ok.size() >= 6 && RotationChecks.countByNode(ok, true).size() == 3;
              });
      List<Rotation> rotations = history[0];
      assertThat(rotations).allSatisfy(r -> assertThat(r.group()).isEqualTo("mcp-server"));
      assertThat(rotations)
          .allSatisfy(r -> assertThat(r.lockBackend()).isEqualTo(redis ? "redis" : "hazelcast"));
      assertThat(RotationChecks.overlaps(rotations)).isEmpty();
      assertThat(RotationChecks.fencingOrder(rotations)).isEmpty();
      assertThat(RotationChecks.duplicateEventIds(rotations)).isEmpty();

      // Every process the demo started: its descendants now, and what it wrote to pids.txt.
      demo.toHandle().descendants().forEach(h -> children.add(h.pid()));
      for (String line : Files.readAllLines(runDir.resolve("pids.txt"))) {
        if (!line.isBlank()) {
          children.add(Long.parseLong(line.split(" ")[0]));
        }
      }
      assertThat(children)
          .as("coordinator, 3 agents, 3 MCP servers")
          .hasSizeGreaterThanOrEqualTo(7);

      Signals.send("INT", demo.pid());
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo exits after SIGINT").isTrue();
      assertThat(children)
          .as("no process the demo started is alive after SIGINT")
          .noneMatch(DemoAcceptanceTest::alive);
      assertThat(Files.readString(out)).contains("Stopped; nothing left running.");
    } finally {
      if (demo.isAlive()) {
        demo.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        demo.destroyForcibly();
        demo.waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  private static boolean alive(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    return h.isPresent() && h.get().isAlive();
  }
}
