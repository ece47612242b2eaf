package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.config.advice.Advice;
import io.fleetrotate.config.advice.AdvicePolicy;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "advise",
    mixinStandardHelpOptions = true,
    description = {
      "Advises maxSize, keep and maxTotalSize for each watched file from the hourly growth",
      "this agent recorded (stateDir/growth.json) and its mount: the mount stays under 80%",
      "through a P95 burst, rotations come at most hourly, backups cover 7 days.",
      "Prints agent.yaml keys with one comment of reasoning per value. Rotates nothing."
    })
public final class AdviseCommand extends ReadingCommand {

  @Override
  void look(AgentConfig c, Agent agent, PrintWriter out) {
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
}
