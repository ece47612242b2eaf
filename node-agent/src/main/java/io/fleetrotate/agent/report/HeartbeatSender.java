package io.fleetrotate.agent.report;

import io.fleetrotate.agent.config.NodeConfig;
import io.fleetrotate.config.Durations;
import io.fleetrotate.proto.HeartbeatReply;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat every {@code coordinator.heartbeat} on its own thread and hands the reply's
 * commands to the {@link CommandRunner}; each answered heartbeat is told to {@code answered} (the
 * outbox's sender, which then stops waiting out its backoff). A failed heartbeat is not retried
 * (the next one carries newer news); a 429 skips heartbeats until its {@code Retry-After} has
 * passed.
 */
final class HeartbeatSender {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

  private final CoordinatorLink link;
  private final NodeConfig node;
  private final String agentVersion;
  private final Duration interval;
  private final Clock clock;
  private final StatusSnapshots status;
  private final CommandRunner commands;
  private final Runnable answered;
  private ScheduledExecutorService timer;
  private long notBefore = System.nanoTime();
  private String failing;
  private int failures;

  HeartbeatSender(
      CoordinatorLink link,
      NodeConfig node,
      String agentVersion,
      Duration interval,
      Clock clock,
      StatusSnapshots status,
      CommandRunner commands,
      Runnable answered) {
    this.link = link;
    this.node = node;
    this.agentVersion = agentVersion;
    this.interval = interval;
    this.clock = clock;
    this.status = status;
    this.commands = commands;
    this.answered = answered;
  }

  synchronized void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleetrotate-heartbeat");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::beatSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void stop() throws InterruptedException {
    if (timer != null) {
      timer.shutdownNow();
      timer.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private void beatSafely() {
    try {
      beat();
    } catch (RuntimeException e) {
      // A bug must not stop the heartbeats (the scheduler would cancel them).
      log.error("heartbeat failed", e);
    }
  }

  /** Sends one heartbeat now, unless a 429 asked to wait. */
  void beat() {
    if (System.nanoTime() - notBefore < 0) {
      return;
    }
    NodeHeartbeat heartbeat;
    try {
      heartbeat =
          Heartbeats.build(
              node,
              agentVersion,
              clock.instant(),
              status.current(link.settings().statusWait()),
              status.lockState());
    } catch (IllegalArgumentException e) {
      failed("invalid", "cannot build a heartbeat: " + e.getMessage());
      return;
    }
    Duration timeout =
        interval.compareTo(link.settings().requestTimeout()) < 0
            ? interval
            : link.settings().requestTimeout();
    CoordinatorResponse r;
    try {
      r = link.client().post(CoordinatorClient.HEARTBEATS, link.codec().encode(heartbeat), timeout);
    } catch (IOException e) {
      failed("unreachable", link.unreachable(e));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!r.ok()) {
      if (r.status() == 429) {
        notBefore = System.nanoTime() + r.retryAfter().orElse(interval).toNanos();
      }
      failed(Outcomes.of(r.status()), Outcomes.describe(link.client().url(), "heartbeats", r));
      return;
    }
    HeartbeatReply reply;
    try {
      reply = link.codec().decodeReply(r.body());
    } catch (WireFormatException e) {
      failed("bad_reply", link.unreadable("a heartbeat with an unreadable reply", e));
      return;
    }
    link.metrics().heartbeat("ok");
    link.last().heartbeat(true, "ok");
    answered.run();
    if (failing != null) {
      log.info(
          "heartbeats reach the coordinator at {} again, after {} failed",
          link.client().url(),
          failures);
      failing = null;
      failures = 0;
    }
    commands.accept(reply.commands());
  }

  private void failed(String outcome, String message) {
    link.metrics().heartbeat(outcome);
    link.last().heartbeat(false, message);
    failures++;
    if (!outcome.equals(failing)) {
      failing = outcome;
      if ("unauthorized".equals(outcome)) {
        log.error("{}; heartbeats continue every {}", message, Durations.format(interval));
      } else {
        log.warn("{}; heartbeats continue every {}", message, Durations.format(interval));
      }
    }
  }
}
