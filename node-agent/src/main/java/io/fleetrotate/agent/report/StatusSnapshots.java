package io.fleetrotate.agent.report;

import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.FileReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's file reports, gathered on the rotation worker (the {@link Agent} is not thread-safe)
 * for a thread that must not wait long: while the worker is busy rotating, the last reports stand
 * in, and at most one request waits in the worker's queue.
 */
final class StatusSnapshots {
  private static final Logger log = LoggerFactory.getLogger(StatusSnapshots.class);

  private final Agent agent;
  private final Executor worker;
  private volatile List<FileReport> latest = List.of();
  private CompletableFuture<List<FileReport>> inFlight; // guarded by this

  StatusSnapshots(Agent agent, Executor worker) {
    this.agent = agent;
    this.worker = worker;
  }

  /** The lock service's state as the agent last found it; safe from any thread. */
  io.fleetrotate.proto.LockState lockState() {
    var s = agent.lockState();
    return new io.fleetrotate.proto.LockState(s.backend(), s.unavailableSince().orElse(null));
  }

  /** Fresh reports if the worker gives them within {@code wait}, else the last ones (or none). */
  List<FileReport> current(Duration wait) {
    CompletableFuture<List<FileReport>> request;
    synchronized (this) {
      if (inFlight == null || inFlight.isDone()) {
        try {
          inFlight = CompletableFuture.supplyAsync(agent::status, worker);
        } catch (RejectedExecutionException e) {
          return latest; // the daemon is stopping
        }
        inFlight.thenAccept(reports -> latest = reports);
      }
      request = inFlight;
    }
    try {
      return request.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.debug("the rotation worker is busy; the heartbeat carries the last file status");
      return latest;
    } catch (ExecutionException e) {
      log.warn("cannot gather the files' status for the heartbeat", e.getCause());
      return latest;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return latest;
    }
  }
}
