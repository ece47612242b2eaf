package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.daemon.RotationListener;
import io.fleetrotate.config.advice.Advice;
import io.fleetrotate.config.advice.AdvicePolicy;
import io.fleetrotate.config.cli.ConfigOption;
import io.fleetrotate.lock.FleetLock;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "advise",
    mixinStandardHelpOptions = true,
    description = {
      "Advises maxSize, keep and maxTotalSize for each watched file from the hourly growth",
      "this agent recorded (stateDir/growth.json) and its mount: the mount stays under 80%",
      "through a P95 burst, rotations come at most hourly, backups cover 7 days.",
      "Prints agent.yaml keys with one comment of reasoning per value. Rotates nothing."
    })
public final class AdviseCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AgentConfig c = config.loadOrReport(ConfigLoader.FILE, spec.commandLine().getErr());
    if (c == null) {
      return ConfigOption.BAD_CONFIG;
    }
    try (FleetLock lock = c.lock().open(c.stateDir())) {
      Agent agent =
          new Agent(
              c, lock, Clock.systemDefaultZone(), AgentMetrics.oneShot(), RotationListener.NONE);
      List<Agent.FileAdvice> advice = agent.advise(AdvicePolicy.DEFAULTS);
      if (advice.isEmpty()) {
        int n = c.files().size();
        out.println(
            "# no watched file exists yet ("
                + n
                + (n == 1 ? " file entry" : " file entries")
                + " configured)");
      }
      for (Agent.FileAdvice f : advice) {
        out.println("# " + f.path());
        if (f.advice().isEmpty()) {
          out.println("#   " + f.note());
          continue;
        }
        Advice a = f.advice().get();
        out.println("# " + a.basis());
        out.print(a.yaml());
      }
    }
    out.flush();
    return 0;
  }
}
