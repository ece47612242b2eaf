package io.fleetrotate.chaos.scenario;

import io.fleetrotate.chaos.check.Invariants;
import io.fleetrotate.chaos.check.RunRecord;
import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario, or several combined on one fleet: builds the fleet, injects the faults, heals,
 * records, checks. A scenario that cannot run is reported NOT_RUN with its reason; one the harness
 * could not finish is an ERROR; neither ever counts as passed.
 */
public final class ScenarioRunner {
  private ScenarioRunner() {}

  public static ScenarioResult run(List<Scenario> parts, ScenarioContext ctx) {
    String name = ctx.name();
    for (Scenario s : parts) {
      Optional<String> why = s.cannotRun();
      if (why.isPresent()) {
        return ScenarioResult.notRun(name, s.name() + ": " + why.get());
      }
    }
    ChaosFleet.Options options = parts.get(0).options(ctx.agents());
    for (Scenario s : parts.subList(1, parts.size())) {
      ChaosFleet.Options o = s.options(ctx.agents());
      if (!o.backend().equals(options.backend())) {
        return ScenarioResult.notRun(
            name,
            "cannot combine: "
                + parts.get(0).name()
                + " needs the "
                + options.backend()
                + " backend, "
                + s.name()
                + " the "
                + o.backend()
                + " backend");
      }
      if (o.proxied()) {
        options = options.withProxies();
      }
      if (o.sharedLog()) {
        options = options.withSharedLog();
      }
      if (o.coordinators() > options.coordinators()) {
        options = options.backend(options.backend(), o.coordinators());
      }
    }
    Instant start = Instant.now();
    List<String> violations = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    RunRecord record = null;
    ScenarioResult.Status status;
    System.out.println("scenario " + name + ": starting the fleet in " + ctx.dir());
    try (ChaosFleet fleet = ctx.fleet(options)) {
      for (Scenario s : parts) {
        s.prepare(ctx, fleet);
      }
      fleet.start();
      Instant until = Instant.now().plus(ctx.faultTime());
      ExecutorService pool = Executors.newFixedThreadPool(parts.size());
      try {
        List<Future<?>> running = new ArrayList<>();
        for (Scenario s : parts) {
          running.add(
              pool.submit(
                  () -> {
                    s.inject(ctx, fleet, until);
                    return null;
                  }));
        }
        long boundMillis = ctx.faultTime().plusMinutes(5).toMillis();
        for (Future<?> f : running) {
          f.get(boundMillis, TimeUnit.MILLISECONDS);
        }
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
      }
      ctx.fault("faults over; healing, stopping the writers and recording");
      record = fleet.record();
      if (!ctx.clockSkews().isEmpty()) {
        record =
            new RunRecord(
                ctx.clockSkews().correct(record.history(), Instant.now()), record.nodes());
        notes.add("event times of agents whose clock was shifted are mapped back to real time");
      }
      record = record.withLockFaults(ctx.lockFaults());
      violations.addAll(ctx.violations());
      violations.addAll(Invariants.check(record));
      notes.addAll(Invariants.notes(record));
      notes.add(
          "audited "
              + record.nodes().stream().mapToLong(n -> n.lines().written()).sum()
              + " lines in "
              + record.nodes().stream().mapToInt(n -> n.lines().files().size()).sum()
              + " files; highest fence token "
              + record.nodes().stream()
                  .flatMap(n -> n.fence().stream())
                  .mapToLong(f -> f.token())
                  .max()
                  .orElse(0));
      status = violations.isEmpty() ? ScenarioResult.Status.PASSED : ScenarioResult.Status.FAILED;
    } catch (Exception | AssertionError e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      notes.add("the harness could not finish the scenario: " + cause);
      status = ScenarioResult.Status.ERROR;
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    long rotations =
        record == null ? 0 : record.history().stream().filter(Rotation::succeeded).count();
    long events = record == null ? 0 : record.history().size();
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    System.out.printf(
        "scenario %s: %s, %d rotations, %d violations, %.0f s%n",
        name, status, rotations, violations.size(), seconds);
    violations.forEach(v -> System.out.println("  violation: " + v));
    return new ScenarioResult(
        name, status, rotations, events, ctx.faults(), violations, notes, seconds);
  }
}
