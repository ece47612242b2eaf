package io.fleetrotate.agent.report;

import io.fleetrotate.config.Durations;
import io.fleetrotate.proto.DaemonThreads;
import io.fleetrotate.proto.HeartbeatReply;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat every {@code coordinator.heartbeat} on its own thread and hands each reply to
 * {@code answered} (the {@link Reporter}: the commands it carries, and the outbox's sender, which
 * then stops waiting out its backoff). What a heartbeat says is {@code heartbeat}'s: given how long
 * it may wait for the agent's file reports, it builds the next one. A failed heartbeat is not
 * retried (the next one carries newer news); a 429 skips heartbeats until its {@code Retry-After}
 * has passed.
 */
final class HeartbeatSender {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

  private final CoordinatorLink link;
  private final Duration interval;
  private final Function<Duration, NodeHeartbeat> heartbeat;
  private final Consumer<HeartbeatReply> answered;
  private ScheduledExecutorService timer;
  private long notBefore = System.nanoTime();
  private String failing;
  private int failures;

  HeartbeatSender(
      CoordinatorLink link,
      Duration interval,
      Function<Duration, NodeHeartbeat> heartbeat,
      Consumer<HeartbeatReply> answered) {
    this.link = link;
    this.interval = interval;
    this.heartbeat = heartbeat;
    this.answered = answered;
  }

  synchronized void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("fleetrotate-heartbeat"));
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
    NodeHeartbeat next;
    try {
      next = heartbeat.apply(link.settings().statusWait());
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
      r = link.client().post(CoordinatorClient.HEARTBEATS, link.codec().encode(next), timeout);
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
    if (failing != null) {
      log.info(
          "heartbeats reach the coordinator at {} again, after {} failed",
          link.client().url(),
          failures);
      failing = null;
      failures = 0;
    }
    answered.accept(reply);
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
