package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.lock.FleetLock;
import io.fleetrotate.agent.lock.FleetLocks;
import io.fleetrotate.agent.watch.Agent;
import io.fleetrotate.agent.watch.AgentMetrics;
import io.fleetrotate.agent.watch.RotationListener;
import io.fleetrotate.config.advice.Advice;
import io.fleetrotate.config.advice.AdvicePolicy;
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
    AgentConfig c = config.loadOrReport(spec.commandLine().getErr());
    if (c == null) {
      return 2;
    }
    try (FleetLock lock = FleetLocks.open(c)) {
      Agent agent =
          new Agent(c, lock, Clock.systemDefaultZone(), new AgentMetrics(), RotationListener.NONE);
      List<Agent.FileAdvice> advice = agent.advise(AdvicePolicy.DEFAULTS);
      if (advice.isEmpty()) {
        out.println("# no watched file exists yet (" + c.files().size() + " entries configured)");
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
