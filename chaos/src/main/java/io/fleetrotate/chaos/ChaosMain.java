package io.fleetrotate.chaos;

import io.fleetrotate.chaos.fleet.FleetJars;
import io.fleetrotate.chaos.report.ChaosReport;
import io.fleetrotate.chaos.scenario.Scenario;
import io.fleetrotate.chaos.scenario.ScenarioContext;
import io.fleetrotate.chaos.scenario.ScenarioResult;
import io.fleetrotate.chaos.scenario.ScenarioRunner;
import io.fleetrotate.chaos.scenario.Scenarios;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./fleetrotate chaos}: runs the fault scenarios against a real fleet on loopback, checks
 * the invariants after each, writes the report, and exits 1 on any violation (or a scenario the
 * harness could not finish).
 */
@Command(
    name = "fleetrotate chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a real fleet (coordinator, agents, redis-server or Hazelcast, log writers) on loopback,"
          + " injects faults, and checks what the system recorded: no overlapping rotations,"
          + " fencing tokens in order, every line exactly once, every event exactly once,"
          + " retention kept.",
      "Writes chaos-report.json and chaos-report.md; exits 1 on any violation."
    })
public final class ChaosMain implements Callable<Integer> {
  enum Profile {
    quick,
    soak
  }

  @Option(
      names = "--profile",
      defaultValue = "quick",
      description =
          "quick: every scenario once (a few minutes); soak: scenarios in turn until --duration"
              + " (default ${DEFAULT-VALUE}).")
  Profile profile;

  @Option(
      names = "--duration",
      defaultValue = "1h",
      description = "How long the soak profile runs, e.g. 1h, 30m (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--seed", description = "Seed of every random choice (default: random, printed).")
  Long seed;

  @Option(
      names = "--scenario",
      description =
          "Run only these scenarios (repeatable); combine several on one fleet with '+', e.g."
              + " redis-pause+network-faults. --list shows the names.")
  List<String> only;

  @Option(names = "--list", description = "List the scenarios and exit.")
  boolean list;

  @Option(names = "--agents", defaultValue = "3", description = "Agents per fleet (default 3).")
  int agents;

  @Option(
      names = "--fault-seconds",
      description = "Seconds of faults per scenario (default: 20 quick, 120 soak).")
  Integer faultSeconds;

  @Mixin HomeOption home;

  @Option(
      names = "--out",
      description = "Where the report and the fleets' files go (default: <home>/chaos/target).")
  Path out;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new ChaosMain())
            .registerConverter(Duration.class, new DurationConverter())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Scenario> catalogue = Scenarios.all();
    if (list) {
      catalogue.values().forEach(s -> System.out.printf("%-26s %s%n", s.name(), s.description()));
      return 0;
    }
    if (agents < 2 || agents > 8) {
      System.err.println("--agents must be between 2 and 8.");
      return 2;
    }
    List<String> plan = only == null || only.isEmpty() ? List.copyOf(catalogue.keySet()) : only;
    for (String name : plan) {
      for (String part : name.split("\\+")) {
        if (!catalogue.containsKey(part)) {
          System.err.println(
              "unknown scenario '" + part + "'; the scenarios are " + catalogue.keySet() + ".");
          return 2;
        }
      }
    }
    long s = seed != null ? seed : new SecureRandom().nextLong();
    System.out.println("chaos: seed " + s + " (rerun with --seed " + s + "), profile " + profile);
    FleetJars jars = home.jars();
    Path outDir = out != null ? out : jars.home().resolve("chaos/target");
    Path runs =
        outDir
            .resolve("chaos-runs")
            .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Duration faultTime =
        Duration.ofSeconds(
            faultSeconds != null ? faultSeconds : profile == Profile.quick ? 20 : 120);
    Instant start = Instant.now();
    Instant end = profile == Profile.soak ? start.plus(duration) : start;
    List<ScenarioResult> results = new ArrayList<>();
    int round = 0;
    do {
      round++;
      for (String name : plan) {
        if (profile == Profile.soak && round > 1 && !Instant.now().isBefore(end)) {
          break;
        }
        List<Scenario> parts = new ArrayList<>();
        for (String part : name.split("\\+")) {
          parts.add(catalogue.get(part));
        }
        String runName = round == 1 ? name : name + "#" + round;
        ScenarioContext ctx =
            new ScenarioContext(
                runName,
                runs.resolve(runName.replace('+', '_').replace('#', '-')),
                jars,
                s + round,
                faultTime,
                agents);
        results.add(ScenarioRunner.run(parts, ctx));
        // A profile that already failed still runs the rest: the report shows everything.
      }
    } while (profile == Profile.soak && Instant.now().isBefore(end));
    ChaosReport report =
        new ChaosReport(
            s, profile.name(), Duration.between(start, Instant.now()).toMillis() / 1000.0, results);
    Path json = report.write(outDir);
    System.out.print(report.markdown());
    System.out.println(
        "chaos: report in " + json + " and " + json.resolveSibling("chaos-report.md"));
    if (report.failed()) {
      return 1;
    }
    List<String> notRun =
        results.stream()
            .filter(r -> r.status() == ScenarioResult.Status.NOT_RUN)
            .map(ScenarioResult::name)
            .toList();
    if (!notRun.isEmpty() && "true".equals(System.getenv("CI"))) {
      // CI installs every tool and runs as root: a scenario that could not run is a failure there.
      System.out.println(
          "chaos: CI=true and " + notRun + " could not run (see the notes above); failing");
      return 1;
    }
    return 0;
  }
}
