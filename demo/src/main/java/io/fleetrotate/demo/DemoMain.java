package io.fleetrotate.demo;

import io.fleetrotate.chaos.DurationConverter;
import io.fleetrotate.chaos.HomeOption;
import io.fleetrotate.chaos.fleet.FleetJars;
import io.fleetrotate.chaos.fleet.RedisNode;
import io.fleetrotate.config.Sizes;
import io.fleetrotate.config.ValueFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Entry point of {@code demo.jar}: {@code ./fleetrotate demo}. */
@Command(
    name = "fleetrotate demo",
    mixinStandardHelpOptions = true,
    versionProvider = DemoMain.Version.class,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Runs a small fleet on this machine, as separate processes on 127.0.0.1: a coordinator"
          + " (with its embedded Hazelcast member, the agents' lock service), N node agents in"
          + " one rotation group, and beside each agent a simulated MCP server writing JSON log"
          + " lines at a realistic rate and reopening its log on SIGHUP.",
      "",
      "The logs are small and the checks frequent, so rotations start within a minute; the"
          + " agents take turns (one lease for the group). Every few seconds the demo prints how"
          + " many rotations each node has made. Ctrl-C stops every process it started.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  ./fleetrotate demo                       3 agents, until Ctrl-C",
      "  ./fleetrotate demo --agents 5 --redis    5 agents, leases from a local redis-server",
      "  ./fleetrotate demo --duration 2m --dir ./demo-run",
      "",
      "What it writes (kept after it stops): per node, <dir>/<node>/agent.yaml, state/,"
          + " logs/server.log and its backups, agent.log, mcp-server.out; the coordinator's"
          + " configuration, store and log under <dir>/coordinator/; pids.txt.",
      "",
      "Exit codes: 0 stopped after --duration, 1 the fleet could not start, 2 bad usage;"
          + " after Ctrl-C the JVM's usual 130."
    })
public final class DemoMain implements Callable<Integer> {
  private static final String MARKER = ".fleetrotate-demo";

  @Option(
      names = "--agents",
      defaultValue = "3",
      paramLabel = "N",
      description = "How many node agents (1 to 16; default ${DEFAULT-VALUE}).")
  int agents;

  @Option(
      names = "--redis",
      description =
          "Start a redis-server (from PATH) on a free port and take the leases from it"
              + " (lock.backend: redis) instead of the coordinator's Hazelcast member.")
  boolean redis;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where to write configurations, logs and state: a new or empty directory, or one a"
              + " previous demo wrote (its history is kept). Default: a fresh"
              + " fleetrotate-demo-<time> directory under the system's temporary directory.")
  Path dir;

  @Option(
      names = "--duration",
      paramLabel = "D",
      description = "Stop by itself after this long, e.g. 90s, 5m, 1h30m. Default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "300",
      paramLabel = "LINES",
      description = "Lines per second each simulated MCP server writes (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--max-size",
      defaultValue = "512KiB",
      paramLabel = "SIZE",
      description = "The size that triggers a rotation (default ${DEFAULT-VALUE}).")
  String maxSize;

  @Option(
      names = "--summary-every",
      defaultValue = "5s",
      paramLabel = "D",
      description = "How often to print the rotations so far (default ${DEFAULT-VALUE}).")
  Duration summaryEvery;

  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new DemoMain())
        .registerConverter(Duration.class, new DurationConverter());
  }

  @Override
  public Integer call() throws Exception {
    if (agents < 1 || agents > 16) {
      throw usage("--agents must be between 1 and 16 (got " + agents + ")");
    }
    if (rate < 1 || rate > 100_000) {
      throw usage("--rate must be between 1 and 100000 lines per second (got " + rate + ")");
    }
    try {
      Sizes.parse(maxSize);
    } catch (ValueFormatException e) {
      throw usage("--max-size: " + e.getMessage());
    }
    if (summaryEvery.compareTo(Duration.ofSeconds(1)) < 0) {
      throw usage("--summary-every must be at least 1s");
    }
    FleetJars jars;
    try {
      jars = home.jars();
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("fleetrotate demo: " + e.getMessage());
      return 2;
    }
    if (redis && RedisNode.findBinary().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "fleetrotate demo: --redis needs redis-server on PATH, and there is none; install"
                  + " it (e.g. apt-get install redis-server) or run the demo without --redis.");
      return 2;
    }
    Optional<Path> runDir = runDirectory();
    if (runDir.isEmpty()) {
      return 2;
    }
    Demo demo =
        new Demo(
            new Demo.Settings(
                jars,
                runDir.get(),
                agents,
                redis,
                rate,
                maxSize,
                summaryEvery,
                Optional.ofNullable(duration)),
            System.out);
    return demo.run();
  }

  private Optional<Path> runDirectory() throws IOException {
    Path d =
        dir != null
            ? dir.toAbsolutePath().normalize()
            : Path.of(System.getProperty("java.io.tmpdir"))
                .resolve(
                    "fleetrotate-demo-"
                        + LocalDateTime.now()
                            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (Files.exists(d) && !Files.isDirectory(d)) {
      spec.commandLine().getErr().println("fleetrotate demo: " + d + " is not a directory.");
      return Optional.empty();
    }
    if (Files.isDirectory(d) && !Files.exists(d.resolve(MARKER))) {
      try (Stream<Path> s = Files.list(d)) {
        if (s.findAny().isPresent()) {
          spec.commandLine()
              .getErr()
              .println(
                  "fleetrotate demo: "
                      + d
                      + " is not empty and no demo wrote it; choose a new or empty directory.");
          return Optional.empty();
        }
      }
    }
    Files.createDirectories(d);
    Files.writeString(d.resolve(MARKER), "written by ./fleetrotate demo\n");
    return Optional.of(d);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DemoMain.class.getPackage().getImplementationVersion();
      return new String[] {"fleetrotate demo " + (v == null ? "dev" : v)};
    }
  }
}
