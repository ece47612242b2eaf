package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.Sizes;
import io.fleetrotate.agent.lock.FleetLock;
import io.fleetrotate.agent.lock.FleetLocks;
import io.fleetrotate.agent.watch.Agent;
import io.fleetrotate.agent.watch.AgentMetrics;
import io.fleetrotate.agent.watch.FileReport;
import io.fleetrotate.agent.watch.RotationListener;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows each watched file: size, growth, backups, and which trigger is due when.",
      "Reads only; rotates nothing."
    })
public final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AgentConfig c = config.loadOrReport(spec.commandLine().getErr());
    if (c == null) {
      return 2;
    }
    Clock clock = Clock.systemDefaultZone();
    try (FleetLock lock = FleetLocks.open(c)) {
      Agent agent = new Agent(c, lock, clock, new AgentMetrics(), RotationListener.NONE);
      List<FileReport> reports = agent.status();
      if (reports.isEmpty()) {
        out.println("no watched file exists yet (" + c.files().size() + " entries configured)");
      }
      Instant now = clock.instant();
      for (FileReport r : reports) {
        out.printf(
            "%s%n  size %s, growing %s/s, %d backups (%s), disk %s %.0f%% used%n",
            r.path(),
            Sizes.format(r.sizeBytes()),
            Sizes.format(Math.round(r.growthBytesPerSecond())),
            r.backupCount(),
            Sizes.format(r.backupBytes()),
            r.mount(),
            r.diskUsedRatio() * 100);
        out.printf(
            "  last rotation: %s%n",
            r.lastRotation().map(t -> t + " (" + r.lastResult().orElse("?") + ")").orElse("never"));
        if (r.dueNow().isPresent()) {
          out.printf("  due now: %s trigger%n", r.dueNow().get());
        } else {
          StringBuilder next = new StringBuilder("  not due;");
          r.bytesToSizeTrigger()
              .ifPresent(b -> next.append(" size trigger in ").append(Sizes.format(b)).append(';'));
          r.nextTimed()
              .ifPresent(
                  t ->
                      next.append(" next timed trigger at ")
                          .append(t)
                          .append(" (in ")
                          .append(human(Duration.between(now, t)))
                          .append(')'));
          out.println(next);
        }
      }
    }
    return 0;
  }

  private static String human(Duration d) {
    if (d.isNegative()) {
      return "now";
    }
    long s = d.toSeconds();
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m";
    }
    return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
  }
}
