package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.FileReport;
import io.fleetrotate.agent.daemon.UnwatchedPaths;
import io.fleetrotate.agent.report.LastReports;
import io.fleetrotate.agent.report.Outbox;
import io.fleetrotate.agent.report.Reporter;
import io.fleetrotate.config.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows each watched file: size, growth, backups, and which trigger is due when;",
      "then the events waiting for the coordinator and how the last report went.",
      "Reads only; rotates nothing."
    })
public final class StatusCommand extends ReadingCommand {

  @Override
  void look(AgentConfig c, Agent agent, PrintWriter out) {
    UnwatchedPaths.of(c).forEach(out::println);
    List<FileReport> reports = agent.status();
    if (reports.isEmpty()) {
      out.println(
          "no watched file exists yet: "
              + c.files().stream().map(FileConfig::path).collect(Collectors.joining(", ")));
    }
    Instant now = Instant.now();
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
        List<String> next = new ArrayList<>(List.of("  not due"));
        r.bytesToSizeTrigger().ifPresent(b -> next.add("size trigger in " + Sizes.format(b)));
        r.nextTimed()
            .ifPresent(
                t ->
                    next.add(
                        "next timed trigger at "
                            + t
                            + " (in "
                            + human(Duration.between(now, t))
                            + ")"));
        out.println(String.join("; ", next));
      }
    }
    printReporting(out, c);
  }

  /** Reads what the daemon leaves under stateDir/outbox; cheap, and safe while it runs. */
  private static void printReporting(PrintWriter out, AgentConfig c) {
    if (c.coordinator().isEmpty()) {
      out.println("reporting: none (no coordinator section)");
      return;
    }
    Path dir = Reporter.outboxDir(c.stateDir());
    String depth;
    try {
      Outbox.Depth d = Outbox.depth(dir);
      depth = d.pending() + " events wait in the outbox";
      if (d.rejected() > 0) {
        depth += "; " + d.rejected() + " refused events kept in " + dir.resolve("rejected");
      }
    } catch (IOException e) {
      depth = "cannot read the outbox " + dir + ": " + e.getMessage();
    }
    out.printf("reporting to %s: %s%n", c.coordinator().get().url(), depth);
    LastReports.read(dir)
        .ifPresentOrElse(
            s -> {
              s.heartbeat()
                  .ifPresent(a -> out.printf("  last heartbeat %s: %s%n", a.at(), a.result()));
              s.events().ifPresent(a -> out.printf("  last events %s: %s%n", a.at(), a.result()));
            },
            () -> out.println("  nothing reported yet"));
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
