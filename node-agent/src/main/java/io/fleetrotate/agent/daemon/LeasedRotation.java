package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.LockConfig;
import io.fleetrotate.agent.rotate.FenceView;
import io.fleetrotate.agent.rotate.RotationEngine;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.agent.rotate.RotationSpec;
import io.fleetrotate.agent.trigger.TriggerEvaluator;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rotation under a lease of its group: asks the lock service (the fullest disk first), rotates
 * without a lease when the service is unreachable and the disk critical (if configured), checks
 * again once granted whether the file is still due, raises a lock counter the fence is ahead of,
 * and records how long the lease was waited for and held. Runs on the agent's one worker thread.
 */
final class LeasedRotation {
  private static final Logger log = LoggerFactory.getLogger(LeasedRotation.class);

  /**
   * Triggers that are checked again once the lease is granted. A manual rotation, a coordinator's
   * command and an emergency rotation are carried out whatever the file looks like by then.
   */
  static final Set<Trigger> RECHECKED = EnumSet.of(Trigger.SIZE, Trigger.SCHEDULE, Trigger.AGE);

  /**
   * How one leased rotation ended.
   *
   * @param lockWaitMs how long the lease took (or the whole attempt, when none was granted)
   * @param rotatedElsewhereAt when another holder rotated the file, for a rotation skipped because
   *     of it: the schedule and age clocks count from then
   * @param report false for a deferral already said once in this outage
   */
  record Ended(
      RotationOutcome outcome,
      long lockWaitMs,
      Optional<Instant> rotatedElsewhereAt,
      boolean report) {}

  private final LockConfig config;
  private final FleetLock lock;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final RotationEngine engine;
  private final FileStateStore store;
  private final LockOutage outage;

  LeasedRotation(
      LockConfig config,
      FleetLock lock,
      Clock clock,
      AgentMetrics metrics,
      RotationEngine engine,
      FileStateStore store) {
    this.config = config;
    this.lock = lock;
    this.clock = clock;
    this.metrics = metrics;
    this.engine = engine;
    this.store = store;
    this.outage = new LockOutage(config, lock.backendName(), clock);
  }

  /** Whether the lock service is reachable, as the last lease request found it. */
  LockOutage.State lockState() {
    return outage.state();
  }

  Ended rotate(
      Agent.Watched w,
      RotationSpec spec,
      Trigger trigger,
      double diskRatio,
      ProgressListener progress) {
    String backend = lock.backendName();
    boolean recheck = RECHECKED.contains(trigger);
    FenceView fence = FenceView.of(w.path(), clock);
    long fenceWhenAsked = recheck ? fence.token() : FenceView.UNKNOWN_TOKEN;
    Instant askedAt = clock.instant();
    long start = System.nanoTime();
    RotationOutcome o;
    try (Lease lease = lock.acquire(spec.group(), diskRatio, config.acquireTimeout())) {
      outage.reachable();
      long granted = System.nanoTime();
      metrics.recordLockWait(spec.group(), backend, "granted", Duration.ofNanos(granted - start));
      Optional<Skip> skip = Optional.empty();
      try {
        if (recheck) {
          skip = notDueAnyMore(w, fence, lease, fenceWhenAsked, askedAt);
        }
        if (skip.isPresent()) {
          o =
              RotationOutcome.skipped(
                  attempt(spec, trigger, lease.fencingToken()), skip.get().why());
        } else {
          o = engine.rotate(spec, trigger, lease, progress);
          if (o.reason().orElse(null) == FailureReason.LEASE_LOST) {
            fence.raiseCounterIfAhead(lock, lease);
          }
        }
      } finally {
        metrics.recordLockHold(
            spec.group(), backend, Duration.ofNanos(System.nanoTime() - granted));
      }
      return new Ended(o, (granted - start) / 1_000_000, skip.flatMap(Skip::countFrom), true);
    } catch (LockRefusedException e) {
      // The service answered: whatever it said, it is reachable.
      outage.reachable();
      // A misconfiguration, not an outage: rotating without a lease would not be an emergency
      // measure but a silent bypass of the lock, so never here.
      metrics.recordLockWait(spec.group(), backend, "refused", since(start));
      log.error("lock service refused {}: {}", w.path(), e.getMessage());
      o =
          RotationOutcome.failed(
              attempt(spec, trigger, 0), FailureReason.CONFIG_ERROR, e.getMessage());
    } catch (LockUnavailableException e) {
      metrics.recordLockWait(spec.group(), backend, "unavailable", since(start));
      boolean first = outage.unavailable(w.path(), e.getMessage());
      if (config.onUnavailable() == LockConfig.OnUnavailable.ROTATE_WHEN_CRITICAL
          && diskRatio >= config.criticalDiskRatio()) {
        log.warn(
            "lock service unreachable and {} is {}% full: rotating {} without a lease",
            w.path(), Math.round(diskRatio * 100), w.path());
        o = engine.rotate(spec, Trigger.EMERGENCY, EmergencyLease.of(spec.group()), progress);
      } else {
        o =
            RotationOutcome.deferred(
                attempt(spec, trigger, 0),
                "deferred until the "
                    + backend
                    + " lock service is reachable again: "
                    + e.getMessage());
        // Reported once per file per outage: the outage is a state, not a failure per check.
        return new Ended(o, since(start).toMillis(), Optional.empty(), first);
      }
    } catch (LockTimeoutException e) {
      outage.reachable();
      metrics.recordLockWait(spec.group(), backend, "timeout", since(start));
      o =
          RotationOutcome.failed(
              attempt(spec, trigger, 0), FailureReason.LOCK_TIMEOUT, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o =
          RotationOutcome.failed(
              attempt(spec, trigger, 0),
              FailureReason.LOCK_TIMEOUT,
              "interrupted while waiting for a lease");
    }
    return new Ended(o, since(start).toMillis(), Optional.empty(), true);
  }

  /**
   * Finishes a rotation a crash interrupted, under a fresh lease of its group (asked for first, as
   * if the disk were full); empty when the lock service cannot give one yet.
   */
  Optional<Ended> resume(RotationEngine.PendingRotation p, RotationSpec spec)
      throws InterruptedException {
    long start = System.nanoTime();
    try (Lease lease = lock.acquire(p.group(), 1.0, config.acquireTimeout())) {
      long waited = since(start).toMillis();
      return Optional.of(new Ended(engine.resume(p, spec, lease), waited, Optional.empty(), true));
    } catch (LockUnavailableException | LockTimeoutException e) {
      log.warn(
          "cannot finish the interrupted rotation of {} yet: {}", p.liveFile(), e.getMessage());
      return Optional.empty();
    }
  }

  private RotationOutcome.Attempt attempt(RotationSpec spec, Trigger trigger, long token) {
    return RotationOutcome.Attempt.fresh(
        spec.liveFile(), spec.group(), trigger, token, clock.instant());
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /**
   * Why a file that was due when this agent asked for its lease is not any more, and when its
   * schedule and age clocks should count from, if another holder rotated it.
   */
  private record Skip(String why, Optional<Instant> countFrom) {}

  /**
   * Re-evaluates the triggers of a file found due before the lease was granted. Replicas on a
   * shared log volume all find the same file due, and the first to get the lease rotates it: the
   * current size decides the size trigger, and another holder's rotation recorded in the fence
   * restarts the schedule and age clocks. Any doubt (an unreadable fence or file) rotates as
   * decided.
   */
  private Optional<Skip> notDueAnyMore(
      Agent.Watched w, FenceView fence, Lease lease, long fenceWhenAsked, Instant askedAt) {
    Path live = w.path();
    try {
      Instant now = clock.instant();
      FileStateStore.FileState st = store.get(live, now);
      Instant since = st.sinceInstant();
      Optional<RotatedElsewhere> other =
          // A token at or above the lease's is not a rotation before this grant: the engine's
          // fence check decides what to do about it.
          fence
              .behind(lease)
              .filter(e -> st.ownFenceToken() == null || e.token() != st.ownFenceToken())
              .flatMap(e -> RotatedElsewhere.find(e, fenceWhenAsked, askedAt, now, since));
      long size = Files.size(live);
      Instant countFrom = other.map(RotatedElsewhere::countFrom).orElse(since);
      if (TriggerEvaluator.due(w.entry().trigger(), size, countFrom, now).isPresent()) {
        return Optional.empty();
      }
      String why =
          other
              .map(r -> r.sentence(live))
              .orElse(
                  live
                      + " shrank to "
                      + size
                      + " bytes while this agent waited for the lease, and it is not due any"
                      + " more");
      return Optional.of(new Skip(why, other.map(RotatedElsewhere::countFrom)));
    } catch (IOException e) {
      log.warn("cannot check again whether {} is still due: {}", live, e.getMessage());
      return Optional.empty();
    }
  }
}
