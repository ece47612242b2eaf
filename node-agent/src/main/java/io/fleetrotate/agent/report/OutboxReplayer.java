package io.fleetrotate.agent.report;

import io.fleetrotate.proto.Backoff;
import io.fleetrotate.proto.EventAck;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's events to the coordinator, oldest first, in batches, on its own thread: the
 * rotation worker only writes an event and calls {@link #wake}, never waits for the network.
 *
 * <p>An event leaves the outbox only when the coordinator's acknowledgement lists its id. What the
 * coordinator answers decides what happens next:
 *
 * <ul>
 *   <li>200: the listed ids are deleted, the rest stay and are sent again (at once if the batch
 *       made progress, after a backoff if it made none);
 *   <li>400 naming an event ({@code $[3]...}): that event is moved to {@code rejected/} and the
 *       others go on; a 400 naming none halves the batch until one event is alone, then rejects it;
 *   <li>413: the batch is halved; a single event the coordinator finds too large is rejected;
 *   <li>429: waits for {@code Retry-After} (or a backoff when absent);
 *   <li>401/403, 5xx, other statuses, refused connections, timeouts and unreadable answers: capped
 *       exponential backoff with jitter; the events stay.
 * </ul>
 *
 * A failure is logged once when it starts (and when it changes), and recovery once.
 */
final class OutboxReplayer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxReplayer.class);
  private static final long IDLE_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Outbox outbox;
  private final CoordinatorLink link;
  private final Backoff backoff;
  private final Object monitor = new Object();
  private boolean stopped; // guarded by monitor
  private boolean woken; // guarded by monitor
  private long notBefore = System.nanoTime(); // guarded by monitor
  // The wait is the coordinator's own Retry-After, which a heartbeat does not cut short.
  private boolean waitAsked; // guarded by monitor
  private int batchLimit;
  // The largest batch not yet refused as too large: growth after a success stops below it.
  private int batchCeiling;
  private String failing;
  private boolean retryAfterGiven; // the last send's wait came from a Retry-After
  private Thread thread;

  OutboxReplayer(Outbox outbox, CoordinatorLink link) {
    this.outbox = outbox;
    this.link = link;
    this.backoff = new Backoff(link.settings().initialBackoff(), link.settings().maxBackoff());
    this.batchLimit = link.settings().maxBatch();
    this.batchCeiling = link.settings().maxBatch();
  }

  synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "fleetrotate-outbox");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tells the sender that an event was written; returns at once. */
  void wake() {
    synchronized (monitor) {
      woken = true;
      monitor.notifyAll();
    }
  }

  private void run() {
    try {
      while (awaitWork()) {
        try {
          sendRound(this::running, Long.MAX_VALUE);
        } catch (RuntimeException e) {
          // A bug must not end reporting: the events stay on disk, try again later.
          log.error("sending the outbox failed; retrying later", e);
          delay(backoff.next());
        }
      }
    } catch (InterruptedException e) {
      // Stopping.
    }
  }

  private boolean running() {
    synchronized (monitor) {
      return !stopped;
    }
  }

  /** Waits until there is something to send and no backoff holds it back; false once stopped. */
  private boolean awaitWork() throws InterruptedException {
    synchronized (monitor) {
      while (!stopped) {
        long wait = notBefore - System.nanoTime();
        if (wait <= 0 && (woken || outbox.pendingCount() > 0)) {
          woken = false;
          return true;
        }
        // An event written during a backoff waits for it; the idle recheck retries events the
        // disk refused to take.
        TimeUnit.NANOSECONDS.timedWait(monitor, wait > 0 ? wait : IDLE_RECHECK_NANOS);
      }
      return false;
    }
  }

  private void delay(Duration d) {
    delay(d, false);
  }

  private void delay(Duration d, boolean asked) {
    synchronized (monitor) {
      notBefore = System.nanoTime() + d.toNanos();
      waitAsked = asked;
    }
  }

  /**
   * A heartbeat was just answered: the coordinator is back, so events waiting out a backoff go now
   * rather than when the backoff ends (up to {@code maxBackoff} later). A Retry-After is honoured.
   */
  void coordinatorAnswered() {
    synchronized (monitor) {
      if (!waitAsked && notBefore - System.nanoTime() > 0) {
        notBefore = System.nanoTime();
        woken = true;
        monitor.notifyAll();
      }
    }
  }

  /** Sends batches until the outbox is empty, a send fails, or it must stop. */
  private void sendRound(BooleanSupplier keepGoing, long deadlineNanos) {
    boolean allWritten = outbox.retryUnwritten();
    while (keepGoing.getAsBoolean()) {
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      List<Outbox.Entry> batch;
      try {
        batch = outbox.peek(batchLimit);
      } catch (IOException e) {
        if (keepGoing.getAsBoolean()) {
          log.error("cannot read the outbox {}: {}", outbox.directory(), e.getMessage());
          delay(backoff.next());
        }
        return;
      }
      if (batch.isEmpty()) {
        if (!allWritten) {
          delay(backoff.next());
        }
        return;
      }
      Duration timeout = link.settings().requestTimeout();
      if (remaining < timeout.toNanos()) {
        timeout = Duration.ofNanos(remaining);
      }
      retryAfterGiven = false;
      Optional<Duration> wait = send(batch, timeout);
      if (wait.isPresent()) {
        delay(wait.get(), retryAfterGiven);
        return;
      }
    }
  }

  /** Posts one batch; empty to go on at once, or how long to wait before the next attempt. */
  private Optional<Duration> send(List<Outbox.Entry> batch, Duration timeout) {
    List<RotationEvent> events = batch.stream().map(Outbox.Entry::event).toList();
    byte[] body;
    try {
      body = link.codec().encodeEvents(events);
    } catch (IllegalArgumentException e) {
      // Over the document size limit: send less per request.
      return tooLarge(batch, e.getMessage());
    }
    CoordinatorResponse r;
    try {
      r = link.client().post(CoordinatorClient.EVENTS, body, timeout);
    } catch (IOException e) {
      return failure("unreachable", link.unreachable(e), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(Duration.ZERO);
    }
    return switch (r.status()) {
      case 200 -> acknowledged(batch, r);
      case 400 -> invalid(batch, r);
      case 413 -> tooLarge(batch, "HTTP 413: " + r.error());
      case 429 ->
          failure(
              "rate_limited", Outcomes.describe(link.client().url(), "events", r), r.retryAfter());
      default ->
          failure(
              Outcomes.of(r.status()),
              Outcomes.describe(link.client().url(), "events", r),
              Optional.empty());
    };
  }

  private Optional<Duration> acknowledged(List<Outbox.Entry> batch, CoordinatorResponse r) {
    EventAck ack;
    try {
      ack = link.codec().decodeAck(r.body());
    } catch (WireFormatException e) {
      return failure(
          "bad_reply",
          link.unreadable("events with an unreadable acknowledgement", e),
          Optional.empty());
    }
    Set<UUID> ids = new HashSet<>(ack.accepted());
    List<Outbox.Entry> stored =
        batch.stream().filter(e -> ids.contains(e.event().eventId())).toList();
    try {
      outbox.remove(stored);
    } catch (IOException e) {
      log.warn(
          "cannot delete acknowledged events from the outbox ({}); they will be sent again after"
              + " a restart, and the coordinator ignores duplicates",
          e.getMessage());
    }
    link.metrics().eventsSent(stored.size());
    if (stored.isEmpty()) {
      return failure(
          "not_accepted",
          "the coordinator at "
              + link.client().url()
              + " acknowledged none of "
              + batch.size()
              + " events; sending them again",
          Optional.empty());
    }
    link.metrics().eventBatch("ok");
    recovered();
    batchLimit = Math.min(batchCeiling, batchLimit * 2);
    return Optional.empty();
  }

  private Optional<Duration> invalid(List<Outbox.Entry> batch, CoordinatorResponse r) {
    link.metrics().eventBatch("invalid");
    OptionalInt index = r.eventIndex();
    if (index.isPresent() && index.getAsInt() < batch.size()) {
      return reject(batch.get(index.getAsInt()), "the coordinator refused it: " + r.error());
    }
    if (batch.size() > 1) {
      // The error names no event: narrow it down by halving until the culprit is alone.
      batchLimit = Math.max(1, batch.size() / 2);
      return Optional.empty();
    }
    return reject(batch.get(0), "the coordinator refused it: " + r.error());
  }

  private Optional<Duration> tooLarge(List<Outbox.Entry> batch, String why) {
    link.metrics().eventBatch("too_large");
    if (batch.size() > 1) {
      batchCeiling = Math.min(batchCeiling, batch.size() - 1);
      batchLimit = Math.max(1, batch.size() / 2);
      log.info(
          "the coordinator found a batch of {} events too large ({}); sending {} at a time",
          batch.size(),
          why,
          batchLimit);
      return Optional.empty();
    }
    return reject(batch.get(0), "the coordinator found it too large on its own: " + why);
  }

  private Optional<Duration> reject(Outbox.Entry entry, String why) {
    try {
      outbox.reject(entry, why);
    } catch (IOException e) {
      log.error(
          "cannot move the refused event {} to {}: {}",
          entry.event().eventId(),
          Outbox.REJECTED,
          e.getMessage());
      return Optional.of(backoff.next());
    }
    link.metrics().eventRejected();
    link.last().events(false, "refused event " + entry.event().eventId() + ", moved to rejected/");
    return Optional.empty();
  }

  private Optional<Duration> failure(
      String outcome, String message, Optional<Duration> retryAfter) {
    link.metrics().eventBatch(outcome);
    link.last().events(false, message);
    Duration wait = retryAfter.orElseGet(backoff::next);
    retryAfterGiven = retryAfter.isPresent();
    if (!outcome.equals(failing)) {
      failing = outcome;
      String line =
          message
              + "; "
              + outbox.pendingCount()
              + " events stay in the outbox, retrying in "
              + wait.toMillis()
              + " ms";
      if ("unauthorized".equals(outcome)) {
        log.error(line);
      } else {
        log.warn(line);
      }
    }
    return Optional.of(wait);
  }

  private void recovered() {
    if (failing != null) {
      log.info("the coordinator at {} takes events again", link.client().url());
      failing = null;
    }
    backoff.reset();
    link.last().events(true, "ok");
  }

  /** Stops the sending thread; pending events stay in the outbox. */
  void stop() throws InterruptedException {
    synchronized (monitor) {
      stopped = true;
      monitor.notifyAll();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.join(1_000);
      if (t.isAlive()) {
        // Waiting for a slow request: interrupt it, the events stay and go at the next start.
        t.interrupt();
        t.join(10_000);
      }
    }
  }

  /**
   * After {@link #stop}: one last attempt to send what is pending, within {@code deadline}; true if
   * the outbox is empty afterwards.
   */
  boolean flush(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    if (outbox.pendingCount() > 0) {
      sendRound(() -> true, end);
    }
    int left = outbox.pendingCount();
    if (left > 0) {
      log.info(
          "{} rotation events stay in the outbox {}; they are sent at the next start",
          left,
          outbox.directory());
    }
    return left == 0;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
