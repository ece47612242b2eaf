package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.config.LockConfig;
import io.fleetrotate.agent.rotate.Backup;
import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.RotationEngine;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.agent.rotate.RotationSpec;
import io.fleetrotate.agent.rotate.StepListener;
import io.fleetrotate.agent.trigger.TriggerEvaluator;
import io.fleetrotate.config.advice.Advice;
import io.fleetrotate.config.advice.AdvicePolicy;
import io.fleetrotate.config.advice.GrowthAdvisor;
import io.fleetrotate.config.advice.GrowthRecord;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseLostException;
import io.fleetrotate.lock.LockRefusedException;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's agent: finds the watched files, decides which are due, and rotates each under a lease
 * of its group. Not thread-safe: one worker thread drives it (the daemon's scheduler, or the CLI).
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /**
   * Triggers that are checked again once the lease is granted. A manual rotation, a coordinator's
   * command and an emergency rotation are carried out whatever the file looks like by then.
   */
  private static final Set<Trigger> RECHECKED =
      EnumSet.of(Trigger.SIZE, Trigger.SCHEDULE, Trigger.AGE);

  private final AgentConfig config;
  private final FleetLock lock;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final RotationListener listener;
  private final RotationEngine engine;
  private final FileStateStore store;
  private final AgentOwnFiles own;
  private final GrowthRate growth;
  private final GrowthLog growthLog;
  private final Map<Path, String> untouchedFailures = new ConcurrentHashMap<>();
  // Finished rotations whose event the listener could not keep yet: their journals hold them.
  private final Map<String, Unreported> unreported = new java.util.LinkedHashMap<>();
  private final LockOutage outage;

  public Agent(
      AgentConfig config,
      FleetLock lock,
      Clock clock,
      AgentMetrics metrics,
      RotationListener listener)
      throws IOException {
    this(config, lock, clock, metrics, listener, StepListener.NONE);
  }

  /** As above; {@code steps} is told of each rotation step (see {@link StepListener}). */
  public Agent(
      AgentConfig config,
      FleetLock lock,
      Clock clock,
      AgentMetrics metrics,
      RotationListener listener,
      StepListener steps)
      throws IOException {
    this.config = config;
    this.lock = lock;
    this.clock = clock;
    this.metrics = metrics;
    this.listener = listener;
    this.engine = new RotationEngine(config.stateDir(), clock, steps);
    this.store = FileStateStore.open(config.stateDir());
    this.growth = GrowthRate.open(config.stateDir());
    this.growthLog = GrowthLog.open(config.stateDir());
    this.own = new AgentOwnFiles(config.stateDir(), clock.getZone());
    this.outage = new LockOutage(config.lock(), lock.backendName(), clock);
  }

  /** Whether the lock service is reachable, as the last lease request found it. */
  public LockOutage.State lockState() {
    return outage.state();
  }

  /** A live file and the configuration entry that watches it. */
  record Watched(Path path, FileConfig entry) {}

  /** Every live file the configuration names right now; the first entry naming a file wins. */
  List<Watched> watched() {
    List<Watched> all = new ArrayList<>();
    java.util.Set<Path> seen = new java.util.HashSet<>();
    for (FileConfig entry : config.files()) {
      try {
        for (Path p : WatchedFiles.expand(entry, own)) {
          if (seen.add(p)) {
            all.add(new Watched(p, entry));
          }
        }
      } catch (IOException e) {
        log.warn("cannot list the files of {}: {}", entry.path(), e.getMessage());
      }
    }
    return all;
  }

  /** Finishes or undoes every rotation a crash interrupted. Call once before the first check. */
  public List<RotationOutcome> recover() throws IOException {
    List<RotationOutcome> done = new ArrayList<>();
    for (RotationEngine.PendingRotation p : engine.pending()) {
      Optional<RotationOutcome> finished = p.finished();
      if (finished.isPresent()) {
        // Killed before its event was kept: the journal's last record is the event.
        log.info(
            "reporting the rotation of {} that finished before the agent stopped", p.liveFile());
        finish(finished.get(), 0, Optional.empty());
        done.add(finished.get());
        continue;
      }
      Optional<Watched> w = findEntry(p.liveFile());
      FileConfig entry = w.map(Watched::entry).orElse(config.files().get(0));
      RotationSpec spec = SpecFactory.spec(entry, p.liveFile(), config.node(), clock.getZone());
      long start = System.nanoTime();
      try (Lease lease = lock.acquire(p.group(), 1.0, config.lock().acquireTimeout())) {
        long waited = (System.nanoTime() - start) / 1_000_000;
        RotationOutcome o = engine.resume(p, spec, lease);
        finish(o, waited, Optional.empty());
        done.add(o);
      } catch (LockUnavailableException | LockTimeoutException e) {
        log.warn(
            "cannot finish the interrupted rotation of {} yet: {}", p.liveFile(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return done;
  }

  /**
   * The entry that watches {@code live}. A glob's entry never claims the agent's own files (a
   * rotate-now command naming a fence or a backup is refused, as the directory walk skips them).
   */
  private Optional<Watched> findEntry(Path live) {
    for (FileConfig entry : config.files()) {
      if (entry.matcher().matches(live)
          && !(entry.isGlob() && own.isOwn(live, entry.backup().dateFormat()))) {
        return Optional.of(new Watched(live, entry));
      }
    }
    return Optional.empty();
  }

  /** One check cycle: rotates every due file. Returns the rotations it ended. */
  public List<RotationOutcome> checkOnce() {
    long start = System.nanoTime();
    reportAgain();
    List<RotationOutcome> outcomes = new ArrayList<>();
    for (FileReport r : status()) {
      if (r.dueNow().isPresent()) {
        findEntry(r.path())
            .ifPresent(
                w ->
                    outcomes.add(
                        rotate(w, r.dueNow().get(), r.diskUsedRatio(), ProgressListener.NONE)));
      }
    }
    metrics.recordCheck(Duration.ofNanos(System.nanoTime() - start));
    return outcomes;
  }

  /** Rotates one watched file now, whatever its triggers say. */
  public RotationOutcome rotateNow(Path file, Trigger trigger, ProgressListener progress)
      throws IOException {
    Path live = file.toAbsolutePath().normalize();
    for (FileConfig entry : config.files()) {
      if (entry.isGlob()
          && entry.matcher().matches(live)
          && own.isOwn(live, entry.backup().dateFormat())) {
        throw new IOException(
            live
                + " is one of the agent's own files (a fence, journal, temporary file or backup),"
                + " which are never rotated; name a live log");
      }
    }
    Watched w =
        findEntry(live)
            .orElseThrow(
                () ->
                    new IOException(
                        live + " is not a watched file of " + config.source() + "; check files[]"));
    double ratio = DiskUsageProbe.of(live).usedRatio();
    return rotate(w, trigger, ratio, progress);
  }

  private RotationOutcome rotate(
      Watched w, Trigger trigger, double diskRatio, ProgressListener progress) {
    RotationSpec spec = SpecFactory.spec(w.entry(), w.path(), config.node(), clock.getZone());
    LockConfig lc = config.lock();
    String backend = lock.backendName();
    boolean recheck = RECHECKED.contains(trigger);
    long fenceWhenAsked = recheck ? fenceToken(w.path()) : RotatedElsewhere.UNKNOWN_TOKEN;
    Instant askedAt = clock.instant();
    long start = System.nanoTime();
    RotationOutcome o;
    try (Lease lease = lock.acquire(spec.group(), diskRatio, lc.acquireTimeout())) {
      outage.reachable();
      long granted = System.nanoTime();
      metrics.recordLockWait(spec.group(), backend, "granted", Duration.ofNanos(granted - start));
      Optional<Skip> skip = Optional.empty();
      try {
        if (recheck) {
          skip = notDueAnyMore(w, lease, fenceWhenAsked, askedAt);
        }
        if (skip.isPresent()) {
          o = skipped(spec, trigger, lease, skip.get().why());
        } else {
          o = engine.rotate(spec, trigger, lease, progress);
          raiseCounterIfFenceIsAhead(o, lease);
        }
      } finally {
        metrics.recordLockHold(
            spec.group(), backend, Duration.ofNanos(System.nanoTime() - granted));
      }
      finish(o, (granted - start) / 1_000_000, skip.flatMap(Skip::countFrom));
      return o;
    } catch (LockRefusedException e) {
      // The service answered: whatever it said, it is reachable.
      outage.reachable();
      // A misconfiguration, not an outage: rotating without a lease would not be an emergency
      // measure but a silent bypass of the lock, so never here.
      metrics.recordLockWait(spec.group(), backend, "refused", since(start));
      log.error("lock service refused {}: {}", w.path(), e.getMessage());
      o = notRotated(spec, trigger, FailureReason.CONFIG_ERROR, e.getMessage());
    } catch (LockUnavailableException e) {
      metrics.recordLockWait(spec.group(), backend, "unavailable", since(start));
      boolean first = outage.unavailable(w.path(), e.getMessage());
      if (lc.onUnavailable() == LockConfig.OnUnavailable.ROTATE_WHEN_CRITICAL
          && diskRatio >= lc.criticalDiskRatio()) {
        log.warn(
            "lock service unreachable and {} is {}% full: rotating {} without a lease",
            w.path(), Math.round(diskRatio * 100), w.path());
        o = engine.rotate(spec, Trigger.EMERGENCY, EmergencyLease.of(spec.group()), progress);
      } else {
        o = deferred(spec, trigger, backend, e.getMessage());
        if (!first) {
          // Reported once per file per outage: the outage is a state, not a failure per check.
          return o;
        }
      }
    } catch (LockTimeoutException e) {
      outage.reachable();
      metrics.recordLockWait(spec.group(), backend, "timeout", since(start));
      o = notRotated(spec, trigger, FailureReason.LOCK_TIMEOUT, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o =
          notRotated(
              spec, trigger, FailureReason.LOCK_TIMEOUT, "interrupted while waiting for a lease");
    }
    finish(o, (System.nanoTime() - start) / 1_000_000, Optional.empty());
    return o;
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
      Watched w, Lease lease, long fenceWhenAsked, Instant askedAt) {
    Path live = w.path();
    try {
      Instant now = clock.instant();
      FileStateStore.FileState st = store.get(live, now);
      Instant since = st.sinceInstant();
      Optional<RotatedElsewhere> other =
          FenceFile.of(live, clock)
              .read()
              .filter(e -> e.group().equals(lease.group()))
              // A token at or above the lease's is not a rotation before this grant: the engine's
              // fence check decides what to do about it.
              .filter(e -> e.token() > 0 && e.token() < lease.fencingToken())
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

  /** The token the fence of {@code live} holds: 0 without one, unknown when unreadable. */
  private long fenceToken(Path live) {
    try {
      return FenceFile.of(live, clock).read().map(FenceFile.Entry::token).orElse(0L);
    } catch (IOException e) {
      log.warn("cannot read the fence of {}: {}", live, e.getMessage());
      return RotatedElsewhere.UNKNOWN_TOKEN;
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /**
   * A fence that refuses a lease the lock service still honours means the service's counter went
   * backwards (its data was lost, or a split brain merged): raise it past the fence so that the
   * next grant is admitted. A lease that is really stale (its holder was paused) is left alone.
   */
  private void raiseCounterIfFenceIsAhead(RotationOutcome o, Lease lease) {
    if (o.reason().orElse(null) != FailureReason.LEASE_LOST) {
      return;
    }
    try {
      lease.checkValid();
      Optional<FenceFile.Entry> fenced = FenceFile.of(o.liveFile(), clock).read();
      if (fenced.isPresent()
          && fenced.get().group().equals(lease.group())
          && fenced.get().token() == Long.MAX_VALUE) {
        // Raising the counter there would make its next grant wrap around.
        log.error(
            "{} records token {}, the largest a fencing counter can hold; the counter of group {}"
                + " is not raised to it: reset the counter and remove the fence file",
            FenceFile.pathFor(o.liveFile()),
            Long.MAX_VALUE,
            lease.group());
        return;
      }
      if (fenced.isPresent()
          && fenced.get().group().equals(lease.group())
          && fenced.get().token() > lease.fencingToken()) {
        log.warn(
            "the {} lock service granted token {} for group {} but {} already records {}: raising"
                + " its counter",
            lock.backendName(),
            lease.fencingToken(),
            lease.group(),
            FenceFile.pathFor(o.liveFile()),
            fenced.get().token());
        lock.raiseFencingToken(lease.group(), fenced.get().token());
      }
    } catch (LeaseLostException really) {
      // A stale holder: the fence did its job.
    } catch (IOException | LockUnavailableException e) {
      log.warn("cannot raise the fencing counter of group {}: {}", lease.group(), e.getMessage());
    }
  }

  private RotationOutcome skipped(RotationSpec spec, Trigger trigger, Lease lease, String why) {
    return untouched(spec, trigger, Result.SKIPPED, Optional.empty(), why, lease.fencingToken());
  }

  /** {@code token} when the fence of {@code live} holds it (this agent's own step), else 0. */
  private long fencedBy(Path live, long token) {
    if (token <= 0) {
      return 0;
    }
    try {
      return FenceFile.of(live, clock).read().filter(e -> e.token() == token).isPresent()
          ? token
          : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** A rotation put off until the lock service is reachable again: SKIPPED, not FAILED. */
  private RotationOutcome deferred(RotationSpec spec, Trigger trigger, String backend, String why) {
    return untouched(
        spec,
        trigger,
        Result.SKIPPED,
        Optional.of(FailureReason.LOCK_UNAVAILABLE),
        "deferred until the " + backend + " lock service is reachable again: " + why,
        0);
  }

  private RotationOutcome notRotated(
      RotationSpec spec, Trigger trigger, FailureReason reason, String why) {
    return untouched(spec, trigger, Result.FAILED, Optional.of(reason), why, 0);
  }

  /** An outcome for a file the agent left as it was: nothing moved, nothing compressed. */
  private RotationOutcome untouched(
      RotationSpec spec,
      Trigger trigger,
      Result result,
      Optional<FailureReason> reason,
      String why,
      long fencingToken) {
    Instant now = clock.instant();
    return new RotationOutcome(
        UUID.randomUUID().toString(),
        spec.liveFile(),
        spec.group(),
        trigger,
        result,
        reason,
        why,
        0,
        0,
        "none",
        now,
        now,
        fencingToken,
        Optional.empty());
  }

  /**
   * Whether {@code o} is a failure that left the file untouched (nothing moved aside) and repeats
   * the last such failure of that file, same reason and same message. It is then not reported again
   * (no event, no metric): a dead reopen target or a missing pid file would otherwise add a failure
   * at every check until someone fixes it. A rotation that moves the file, or a different failure,
   * is reported and starts over. Only the periodic triggers (size, schedule, age) are folded so.
   */
  private boolean repeatsLastUntouchedFailure(RotationOutcome o) {
    if (!RECHECKED.contains(o.trigger())) {
      return false; // asked for (rotate now, a command, an emergency): always answered
    }
    if (o.result() != Result.FAILED || o.backup().isPresent()) {
      untouchedFailures.remove(o.liveFile());
      return false;
    }
    String failure = o.reason().map(Enum::name).orElse("") + ": " + o.message();
    return failure.equals(untouchedFailures.put(o.liveFile(), failure));
  }

  /**
   * @param rotatedElsewhereAt when another holder rotated the file, for a rotation skipped because
   *     of it: the schedule and age clocks count from then
   */
  private void finish(RotationOutcome o, long lockWaitMs, Optional<Instant> rotatedElsewhereAt) {
    if (repeatsLastUntouchedFailure(o)) {
      log.debug("{} is still not rotated: {}", o.liveFile(), o.message());
      return;
    }
    try {
      if (rotatedElsewhereAt.isPresent()) {
        store.recordRotatedElsewhere(o.liveFile(), o.finishedAt(), rotatedElsewhereAt.get());
      } else {
        store.recordRotation(
            o.liveFile(),
            o.finishedAt(),
            o.result().name(),
            o.succeeded(),
            fencedBy(o.liveFile(), o.fencingToken()));
      }
    } catch (IOException e) {
      log.error("cannot save the agent state: {}", e.getMessage());
    }
    metrics.recordRotation(o);
    // A deferral was said once, in the outage's WARN.
    if (o.result() == Result.SKIPPED && o.reason().isEmpty()) {
      log.info("did not rotate {} ({} trigger): {}", o.liveFile(), o.trigger(), o.message());
    }
    if (o.succeeded()) {
      log.info(
          "rotated {} ({} trigger): {} -> {} bytes with {}, fencing token {}",
          o.liveFile(),
          o.trigger(),
          o.bytesBefore(),
          o.bytesAfter(),
          o.codec(),
          o.fencingToken());
    }
    report(new Unreported(o, lock.backendName(), lockWaitMs));
  }

  /** An outcome on its way to the listener, with what it is told beside. */
  private record Unreported(RotationOutcome outcome, String backend, long lockWaitMs) {}

  /**
   * Tells the listener; once it has kept the outcome, the rotation's journal goes. Until then the
   * journal keeps it across a kill, and each check tells the listener again.
   */
  private void report(Unreported u) {
    String id = u.outcome().rotationId();
    if (!listener.rotated(u.outcome(), u.backend(), u.lockWaitMs())) {
      unreported.put(id, u);
      return;
    }
    unreported.remove(id);
    try {
      engine.eventKept(id);
    } catch (IOException e) {
      // Left in place, the journal is reported again at the next start; the outbox ignores it then.
      log.warn("cannot remove the journal of rotation {}: {}", id, e.getMessage());
    }
  }

  /**
   * Hands over again what the listener could not keep, and the finished rotations another process
   * left unreported (a {@code rotate} command run beside this daemon, which owns the outbox).
   */
  private void reportAgain() {
    for (Unreported u : List.copyOf(unreported.values())) {
      report(u);
    }
    try {
      for (RotationOutcome o : engine.finishedUnreported()) {
        if (!unreported.containsKey(o.rotationId())) {
          log.info("reporting the rotation of {} that another agent process made", o.liveFile());
          report(new Unreported(o, lock.backendName(), 0));
        }
      }
    } catch (IOException e) {
      log.warn("cannot read the rotation journals: {}", e.getMessage());
    }
  }

  /** The state of every watched file, updating growth and disk metrics on the way. */
  public List<FileReport> status() {
    Instant now = clock.instant();
    List<FileReport> reports = new ArrayList<>();
    // Files of one directory share a filesystem: look it up once per directory per check.
    Map<Path, DiskUsageProbe.Usage> disks = new java.util.HashMap<>();
    for (Watched w : watched()) {
      try {
        DiskUsageProbe.Usage disk = disks.get(w.path().getParent());
        if (disk == null) {
          disk = DiskUsageProbe.of(w.path());
          disks.put(w.path().getParent(), disk);
        }
        reports.add(report(w, now, disk));
      } catch (IOException e) {
        log.warn("cannot inspect {}: {}", w.path(), e.getMessage());
      }
    }
    growthLog.save(now, false);
    try {
      store.saveIfNew();
    } catch (IOException e) {
      log.error("cannot save the agent state: {}", e.getMessage());
    }
    growth.save();
    return reports;
  }

  private FileReport report(Watched w, Instant now, DiskUsageProbe.Usage disk) throws IOException {
    Path p = w.path();
    long size = Files.size(p);
    FileStateStore.FileState st = store.get(p, now);
    Instant since = st.sinceInstant();
    double rate = growth.update(p, size, now);
    growthLog.observe(p, size, now);
    RotationSpec spec = SpecFactory.spec(w.entry(), p, config.node(), clock.getZone());
    List<Backup> backups = spec.naming().list();
    metrics.recordFile(p, size, rate);
    metrics.recordDisk(disk.mount(), disk.usedRatio());
    var t = w.entry().trigger();
    Optional<Long> toSize =
        t.maxSizeBytes().isPresent()
            ? Optional.of(Math.max(0, t.maxSizeBytes().getAsLong() - size))
            : Optional.empty();
    return new FileReport(
        p,
        spec.group(),
        size,
        rate,
        backups.size(),
        backups.stream().mapToLong(Backup::sizeBytes).sum(),
        Optional.ofNullable(st.lastRotation()).map(Instant::parse),
        Optional.ofNullable(st.lastResult()),
        Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            ? TriggerEvaluator.due(t, size, since, now)
            : Optional.empty(),
        TriggerEvaluator.nextTimed(t, since, now),
        toSize,
        disk.mount(),
        disk.usedRatio());
  }

  /** One file's advice from the agent's own growth record, or why there is none. */
  public record FileAdvice(Path path, Optional<Advice> advice, String note) {}

  /**
   * Advice for every watched file from its hourly growth as this agent recorded it ({@code
   * stateDir/growth.json}) and its mount now. Records the sizes it finds, like {@link #status}.
   */
  public List<FileAdvice> advise(AdvicePolicy policy) {
    Instant now = clock.instant();
    List<FileAdvice> out = new ArrayList<>();
    for (FileReport r : status()) {
      Optional<GrowthRecord.Samples> samples = growthLog.samples(r.path());
      if (samples.isEmpty()) {
        out.add(
            new FileAdvice(
                r.path(),
                Optional.empty(),
                "no growth recorded yet: run the agent (agent run) for an hour or more first"));
        continue;
      }
      try {
        DiskUsageProbe.Usage disk = DiskUsageProbe.of(r.path());
        out.add(
            new FileAdvice(
                r.path(),
                Optional.of(
                    GrowthAdvisor.advise(
                        samples.get().hourlyGrowth(),
                        samples.get().hoursMeasured(),
                        new GrowthAdvisor.Mount(disk.totalBytes(), disk.usedBytes()),
                        new GrowthAdvisor.Footprint(r.sizeBytes(), r.backupBytes()),
                        policy)),
                null));
      } catch (IOException | IllegalArgumentException e) {
        out.add(
            new FileAdvice(r.path(), Optional.empty(), "cannot read its mount: " + e.getMessage()));
      }
    }
    growthLog.save(now, true);
    return out;
  }
}
