package io.fleetrotate.agent.report;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.FileReport;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the coordinator's commands on the rotation worker, each command id once: the ids of
 * the last {@value #REMEMBERED} commands are remembered, so a command a reply repeats is ignored.
 */
final class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);
  static final int REMEMBERED = 10_000;

  private final Agent agent;
  private final Executor worker;
  private final ReportMetrics metrics;
  private final Set<UUID> seen =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
              return size() > REMEMBERED;
            }
          });

  CommandRunner(Agent agent, Executor worker, ReportMetrics metrics) {
    this.agent = agent;
    this.worker = worker;
    this.metrics = metrics;
  }

  /** Queues each new command on the worker; returns at once. */
  void accept(List<Command> commands) {
    for (Command c : commands) {
      boolean first;
      synchronized (seen) {
        first = seen.add(c.commandId());
      }
      if (!first) {
        metrics.command("duplicate");
        log.debug("command {} was already carried out", c.commandId());
        continue;
      }
      try {
        worker.execute(() -> run(c));
      } catch (RejectedExecutionException e) {
        metrics.command("ignored");
        log.warn("not carrying out command {}: the agent is stopping", c.commandId());
      }
    }
  }

  /** On the worker. */
  private void run(Command c) {
    switch (c.type()) {
      case ROTATE_NOW -> rotateNow(c);
    }
  }

  private void rotateNow(Command c) {
    List<Path> targets;
    if (c.appliesToAllFiles()) {
      targets = agent.status().stream().map(FileReport::path).toList();
    } else {
      Path p;
      try {
        p = Path.of(c.path());
      } catch (InvalidPathException e) {
        ignore(c, c.path() + " is not a valid path");
        return;
      }
      if (!p.isAbsolute()) {
        ignore(c, c.path() + " is not an absolute path");
        return;
      }
      targets = List.of(p);
    }
    log.info(
        "carrying out command {} from the coordinator: rotate {}",
        c.commandId(),
        c.appliesToAllFiles() ? "every watched file (" + targets.size() + ")" : c.path());
    boolean any = false;
    for (Path p : targets) {
      try {
        RotationOutcome o = agent.rotateNow(p, Trigger.MANUAL, ProgressListener.NONE);
        any = true;
        if (!o.succeeded()) {
          log.warn(
              "command {}: rotating {} ended {}: {}", c.commandId(), p, o.result(), o.message());
        }
      } catch (IOException e) {
        log.warn("ignoring command {} for {}: {}", c.commandId(), p, e.getMessage());
      } catch (RuntimeException e) {
        log.error("command {} failed on {}", c.commandId(), p, e);
      }
    }
    metrics.command(any || targets.isEmpty() ? "executed" : "ignored");
  }

  private void ignore(Command c, String why) {
    metrics.command("ignored");
    log.warn("ignoring command {} from the coordinator: {}", c.commandId(), why);
  }
}
