package io.fleetrotate.demo;

import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.AgentSpec;
import io.fleetrotate.chaos.fleet.CoordinatorNode;
import io.fleetrotate.chaos.fleet.Fleet;
import io.fleetrotate.chaos.fleet.FleetJars;
import io.fleetrotate.chaos.fleet.LockSpec;
import io.fleetrotate.chaos.fleet.ManagedProcess;
import io.fleetrotate.chaos.fleet.PrometheusText;
import io.fleetrotate.chaos.fleet.RedisNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo fleet: starts it, prints where to look, prints a summary every few seconds, and stops
 * every process when its time is up or at Ctrl-C (a shutdown hook).
 */
final class Demo {
  static final String GROUP = "mcp-server";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  /**
   * What to run.
   *
   * @param jars the runnable jars
   * @param runDir where every process writes
   * @param agents how many agents
   * @param redis leases from a redis-server rather than the coordinator's Hazelcast member
   * @param rate lines per second per MCP server
   * @param maxSize the size trigger
   * @param summaryEvery how often to print the summary
   * @param duration how long to run; empty until Ctrl-C
   */
  record Settings(
      FleetJars jars,
      Path runDir,
      int agents,
      boolean redis,
      int rate,
      String maxSize,
      Duration summaryEvery,
      Optional<Duration> duration) {}

  private final Settings settings;
  private final PrintStream out;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Set<String> reportedDead = new HashSet<>();
  private volatile boolean stopping;

  Demo(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  int run() throws InterruptedException {
    Fleet fleet = Fleet.open(settings.runDir(), settings.jars());
    Thread hook =
        new Thread(
            () -> {
              if (stopping) {
                return;
              }
              stopping = true;
              out.println();
              out.println("Stopping " + fleet.processes().size() + " processes ...");
              fleet.close();
              out.println(
                  "Stopped; nothing left running. Everything the demo wrote is under "
                      + fleet.runDir());
              out.flush();
              stopped.countDown();
            },
            "demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    List<AgentNode> nodes = new ArrayList<>();
    CoordinatorNode coordinator;
    try {
      out.println("fleetrotate demo: writing under " + fleet.runDir());
      coordinator = fleet.addCoordinator("coordinator", true).start();
      LockSpec lock;
      if (settings.redis()) {
        RedisNode redis = fleet.startRedis();
        out.println(
            "  redis-server on 127.0.0.1:" + redis.port() + " (pid " + redis.process().pid() + ")");
        lock = LockSpec.redis(redis);
      } else {
        lock = LockSpec.hazelcast(List.of(coordinator));
      }
      out.println(
          "  coordinator on "
              + coordinator.url()
              + ", Hazelcast member on "
              + coordinator.hazelcastAddress()
              + " (pid "
              + coordinator.process().pid()
              + ")");
      coordinator.awaitReady(READY_TIMEOUT);
      for (int i = 1; i <= settings.agents(); i++) {
        AgentSpec spec =
            AgentSpec.of("mcp-host-" + i)
                .group(GROUP)
                .reportingTo(coordinator)
                .lock(lock)
                .checkInterval(Duration.ofSeconds(2))
                .heartbeat(Duration.ofSeconds(5))
                .maxSize(settings.maxSize())
                .keep(10)
                .rate(settings.rate());
        AgentNode node = fleet.addAgent(spec).start();
        nodes.add(node);
        out.println(
            "  "
                + node.nodeId()
                + ": agent pid "
                + node.process().pid()
                + " on "
                + node.url()
                + ", MCP server pid "
                + node.mcpServer().orElseThrow().pid()
                + " writing "
                + node.paths().log());
      }
      for (AgentNode node : nodes) {
        node.awaitReady(READY_TIMEOUT);
      }
    } catch (RuntimeException e) {
      if (stopping) {
        return awaitStop();
      }
      out.println("The demo fleet could not start: " + e.getMessage());
      for (ManagedProcess p : fleet.processes()) {
        if (p.starts() > 0 && !p.isAlive()) {
          out.println(
              p.name() + " exited" + p.exitCode().map(c -> " with code " + c).orElse("") + ":");
          p.logTail(3).forEach(l -> out.println("  " + l));
        }
      }
      out.println("The logs of every process are under " + fleet.runDir());
      Runtime.getRuntime().removeShutdownHook(hook);
      fleet.close();
      return 1;
    }
    printBanner(coordinator, fleet);
    long start = System.nanoTime();
    long end = settings.duration().map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE);
    while (!stopping && System.nanoTime() - end < 0) {
      long wait = Math.min(settings.summaryEvery().toNanos(), Math.max(0, end - System.nanoTime()));
      if (stopped.await(wait, TimeUnit.NANOSECONDS)) {
        break;
      }
      if (!stopping) {
        printSummary(coordinator, nodes, fleet, Duration.ofNanos(System.nanoTime() - start));
      }
    }
    if (stopping) {
      return awaitStop();
    }
    out.println("--duration reached.");
    Runtime.getRuntime().removeShutdownHook(hook);
    hook.run();
    return 0;
  }

  private int awaitStop() throws InterruptedException {
    stopped.await(2, TimeUnit.MINUTES);
    return 130;
  }

  private void printBanner(CoordinatorNode coordinator, Fleet fleet) {
    String admin = fleet.tokens().admin();
    out.println();
    out.println(
        "Fleet up: "
            + settings.agents()
            + " agents in group "
            + GROUP
            + ", leases from "
            + (settings.redis() ? "Redis" : "the coordinator's Hazelcast member")
            + ", rotating at "
            + settings.maxSize()
            + " ("
            + settings.rate()
            + " lines/s per MCP server).");
    out.println("Dashboard: " + coordinator.url() + "/#token=" + admin);
    out.println(
        "API:       curl -H 'Authorization: Bearer "
            + admin
            + "' "
            + coordinator.url()
            + "/api/v1/rotations");
    out.println("Metrics:   " + coordinator.url() + "/metrics");
    out.println("State directory: " + fleet.runDir());
    out.println(
        settings.duration().map(d -> "Stops by itself after " + d.toSeconds() + " s; ").orElse("")
            + "Ctrl-C stops every process it started.");
    out.println();
    out.flush();
  }

  private void printSummary(
      CoordinatorNode coordinator, List<AgentNode> nodes, Fleet fleet, Duration elapsed) {
    StringBuilder line = new StringBuilder();
    line.append(String.format("[%3d:%02d] ", elapsed.toMinutes(), elapsed.toSecondsPart()));
    Optional<String> metrics = coordinator.api().metrics();
    if (metrics.isEmpty()) {
      line.append("the coordinator does not answer");
    } else {
      String m = metrics.get();
      Map<String, Double> ok =
          PrometheusText.sumBy(
              m, "fleetrotate_rotations_total", "node", l -> "SUCCESS".equals(l.get("result")));
      Map<String, Double> failed =
          PrometheusText.sumBy(
              m, "fleetrotate_rotations_total", "node", l -> "FAILED".equals(l.get("result")));
      long okTotal = 0;
      long failedTotal = 0;
      line.append("rotations:");
      for (AgentNode n : nodes) {
        long k = Math.round(ok.getOrDefault(n.nodeId(), 0.0));
        long f = Math.round(failed.getOrDefault(n.nodeId(), 0.0));
        okTotal += k;
        failedTotal += f;
        line.append(' ').append(n.nodeId()).append(' ').append(k);
        if (f > 0) {
          line.append(" (+").append(f).append(" failed)");
        }
        line.append(',');
      }
      line.setLength(line.length() - 1);
      line.append(" | total ")
          .append(okTotal)
          .append(" ok, ")
          .append(failedTotal)
          .append(" failed");
      long up =
          Math.round(PrometheusText.sum(m, "fleetrotate_nodes", l -> "up".equals(l.get("state"))));
      line.append(" | nodes up ").append(up).append('/').append(nodes.size());
    }
    out.println(line);
    for (ManagedProcess p : fleet.processes()) {
      if (!p.isAlive() && p.starts() > 0 && reportedDead.add(p.name())) {
        out.println(
            "  ! "
                + p.name()
                + " exited"
                + p.exitCode().map(c -> " with code " + c).orElse("")
                + "; see "
                + p.log());
      }
    }
    out.flush();
  }
}
