package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.daemon.FileReport;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.agent.report.Outbox;
import io.fleetrotate.agent.report.Reporter;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.config.Sizes;
import io.fleetrotate.config.cli.ConfigOption;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "rotate",
    mixinStandardHelpOptions = true,
    description = {
      "Rotates in the foreground, under a lease like the daemon, and reports what it did.",
      "Without --now only files that are due rotate; with --now every selected file does.",
      "Exit code 0 when every rotation succeeded, 1 otherwise."
    })
public final class RotateCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  private final AgentHooks hooks;

  public RotateCommand() {
    this(AgentHooks.PRODUCTION);
  }

  /** The rotation composed with {@code hooks} instead of the production clock, lock and steps. */
  public RotateCommand(AgentHooks hooks) {
    this.hooks = hooks;
  }

  @Option(
      names = "--file",
      paramLabel = "PATH",
      description = "Rotate only this watched file (default: all watched files).")
  Path file;

  @Option(names = "--now", description = "Rotate even if no trigger is due (trigger MANUAL).")
  boolean now;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AgentConfig c = config.loadOrReport(ConfigLoader.FILE, err);
    if (c == null) {
      return ConfigOption.BAD_CONFIG;
    }
    List<RotationOutcome> outcomes = new ArrayList<>();
    AgentMetrics metrics = AgentMetrics.oneShot();
    Reporting reporting = Reporting.open(c, metrics, hooks);
    try (FleetLock lock = hooks.lock().apply(c.lock().open(c.stateDir()))) {
      Agent agent = new Agent(c, lock, hooks.clock(), metrics, reporting.listener(), hooks.steps());
      agent.recover();
      List<Path> targets = new ArrayList<>();
      for (FileReport r : agent.status()) {
        boolean selected = file == null || r.path().equals(file.toAbsolutePath().normalize());
        if (selected && (now || r.dueNow().isPresent())) {
          targets.add(r.path());
        }
      }
      if (file != null && targets.isEmpty()) {
        if (!now) {
          out.println(file + " is not due; add --now to rotate it anyway");
          return reporting.close(out, 0);
        }
        targets.add(file);
      }
      if (targets.isEmpty()) {
        if (!now) {
          out.println("nothing is due; add --now to rotate anyway");
          return reporting.close(out, 0);
        }
        err.println(
            "nothing to rotate: no file matches "
                + c.files().stream().map(f -> f.path().toString()).toList()
                + " in "
                + c.source()
                + "; check that the logs exist and files[].path names them");
        return reporting.close(out, 1);
      }
      for (Path p : targets) {
        ProgressBar bar = new ProgressBar(err, p, !quiet && System.console() != null);
        try {
          outcomes.add(agent.rotateNow(p, now ? Trigger.MANUAL : Trigger.SIZE, bar));
        } catch (IOException notWatched) {
          err.println(notWatched.getMessage());
          return reporting.close(out, 2);
        } finally {
          bar.done();
        }
      }
    }
    boolean allGood = true;
    for (RotationOutcome o : outcomes) {
      allGood &= o.succeeded();
      if (o.reason().orElse(null) == FailureReason.LOCK_UNAVAILABLE) {
        out.printf(
            "NOT ROTATED %s: the %s lock service is unreachable, so no lease could be had; try"
                + " again once it is back (a running agent rotates the file then by itself)%n",
            o.liveFile(), c.lock().backend().name().toLowerCase(java.util.Locale.ROOT));
        continue;
      }
      double secs = o.duration().toMillis() / 1000.0;
      out.printf(
          "%s %s: %s -> %s (%s) in %.2fs, %.0f MB/s%s%n",
          o.result(),
          o.liveFile(),
          Sizes.format(o.bytesBefore()),
          Sizes.format(o.bytesAfter()),
          o.codec(),
          secs,
          secs > 0 ? o.bytesBefore() / 1e6 / secs : 0,
          o.reason().map(r -> " [" + r + "] ").orElse(" ") + o.message());
    }
    return reporting.close(out, allGood ? 0 : 1);
  }

  /**
   * Reports the command's rotations to the coordinator as the daemon does, through the outbox. When
   * a running daemon owns the outbox, each rotation's event stays in its journal and the daemon
   * sends it at its next check.
   */
  private record Reporting(Reporter reporter, AgentConfig config, String note) {

    static Reporting open(AgentConfig c, AgentMetrics metrics, AgentHooks hooks) {
      if (c.coordinator().isEmpty()) {
        return new Reporting(null, c, null);
      }
      try {
        Reporter r =
            Reporter.open(
                c, c.coordinator().get(), metrics.registry(), hooks.clock(), AgentMain.version());
        return new Reporting(r, c, null);
      } catch (IOException ownedByTheDaemon) {
        return new Reporting(
            null,
            c,
            "the running agent reports these rotations to "
                + c.coordinator().get().url()
                + " at its next check");
      }
    }

    RotationListener listener() {
      if (reporter != null) {
        return reporter.listener();
      }
      // Left in the journals for the daemon, or nothing to report to.
      return note != null ? (o, backend, waitMs) -> false : RotationListener.NONE;
    }

    /** Sends what this command recorded (a few seconds at most), says how it went; {@code exit}. */
    int close(PrintWriter out, int exit) {
      if (reporter != null) {
        reporter.close();
        int left;
        try {
          left = Outbox.depth(Reporter.outboxDir(config.stateDir())).pending();
        } catch (IOException e) {
          left = -1;
        }
        if (left > 0) {
          out.println(
              left
                  + (left == 1 ? " event waits" : " events wait")
                  + " in the outbox for "
                  + config.coordinator().get().url()
                  + "; the agent sends "
                  + (left == 1 ? "it" : "them")
                  + " when the coordinator answers");
        }
      } else if (note != null) {
        out.println(note);
      }
      return exit;
    }
  }

  /** bytes done/total and MB/s on one terminal line. */
  static final class ProgressBar implements ProgressListener {
    private final PrintWriter err;
    private final Path file;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private boolean drawn;

    ProgressBar(PrintWriter err, Path file, boolean enabled) {
      this.err = err;
      this.file = file;
      this.enabled = enabled;
    }

    @Override
    public void onProgress(long done, long total) {
      if (!enabled) {
        return;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      int pct = total == 0 ? 100 : (int) (done * 100 / total);
      int width = 30;
      int fill = pct * width / 100;
      err.printf(
          "\r%s [%s%s] %3d%% %s/%s %.0f MB/s ",
          file.getFileName(),
          "#".repeat(fill),
          ".".repeat(width - fill),
          pct,
          Sizes.format(done),
          Sizes.format(total),
          secs > 0 ? done / 1e6 / secs : 0);
      err.flush();
      drawn = true;
    }

    void done() {
      if (drawn) {
        err.println();
      }
    }
  }
}
