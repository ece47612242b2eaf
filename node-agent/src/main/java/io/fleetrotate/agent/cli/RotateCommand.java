package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.agent.watch.Agent;
import io.fleetrotate.agent.watch.AgentMetrics;
import io.fleetrotate.agent.watch.FileReport;
import io.fleetrotate.agent.watch.RotationListener;
import io.fleetrotate.config.Sizes;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.config.cli.ConfigOption;
import io.fleetrotate.proto.Trigger;
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
    try (FleetLock lock = hooks.lock().apply(c.lock().open(c.stateDir()))) {
      Agent agent =
          new Agent(
              c, lock, hooks.clock(), new AgentMetrics(), RotationListener.NONE, hooks.steps());
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
          return 0;
        }
        targets.add(file);
      }
      if (targets.isEmpty()) {
        out.println("nothing is due; add --now to rotate anyway");
        return 0;
      }
      for (Path p : targets) {
        ProgressBar bar = new ProgressBar(err, p, !quiet && System.console() != null);
        outcomes.add(agent.rotateNow(p, now ? Trigger.MANUAL : Trigger.SIZE, bar));
        bar.done();
      }
    }
    boolean allGood = true;
    for (RotationOutcome o : outcomes) {
      allGood &= o.succeeded();
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
    return allGood ? 0 : 1;
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
