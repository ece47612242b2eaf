package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.rotate.Backup;
import io.fleetrotate.agent.rotate.FenceView;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's agent: finds the watched files, decides which are due, has each rotated under a lease
 * of its group ({@link LeasedRotation}), and remembers and reports how each rotation ended. Not
 * thread-safe: one worker thread drives it (the daemon's scheduler, or the CLI).
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

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
  private final LeasedRotation leased;

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
    this.leased = new LeasedRotation(config.lock(), lock, clock, metrics, engine, store);
  }

  AgentConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  AgentMetrics metrics() {
    return metrics;
  }

  /** Whether the lock service is reachable, as the last lease request found it. */
  public LockOutage.State lockState() {
    return leased.lockState();
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

  /**
   * Finishes or undoes every rotation a crash interrupted. Call once before the first check. A
   * rotation whose file no entry of {@code files[]} watches any more is left as its journal has it
   * (with a WARN): another entry's reopen, compression and retention could do harm, and its own
   * entry, put back, finishes it at the next start.
   */
  public List<RotationOutcome> recover() throws IOException {
    List<RotationOutcome> done = new ArrayList<>();
    for (RotationEngine.PendingRotation p : engine.pending()) {
      Optional<RotationOutcome> finished = p.finished();
      if (finished.isPresent()) {
        // Killed before its event was kept: the journal's last record is the event.
        log.info(
            "reporting the rotation of {} that finished before the agent stopped", p.liveFile());
        finish(new LeasedRotation.Ended(finished.get(), 0, Optional.empty(), true));
        done.add(finished.get());
        continue;
      }
      Optional<Watched> w = findEntry(p.liveFile());
      if (w.isEmpty()) {
        // Another entry's settings (reopen, compression, retention) could do harm: leave it.
        log.warn(
            "the interrupted rotation of {} (stopped after {}) is left unfinished in {}: no entry"
                + " of files[] in {} watches that file any more; put its entry back to finish it",
            p.liveFile(),
            p.lastStep(),
            config.stateDir().resolve("journal"),
            config.source());
        continue;
      }
      RotationSpec spec = spec(w.get().entry(), p.liveFile());
      try {
        Optional<LeasedRotation.Ended> e = leased.resume(p, spec);
        e.ifPresent(
            ended -> {
              finish(ended);
              done.add(ended.outcome());
            });
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
    for (FileReport r : sampleGrowth()) {
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
    RotationSpec spec = spec(w.entry(), w.path());
    LeasedRotation.Ended e = leased.rotate(w, spec, trigger, diskRatio, progress);
    if (e.report()) {
      finish(e);
    }
    return e.outcome();
  }

  private RotationSpec spec(FileConfig entry, Path live) {
    return SpecFactory.spec(entry, live, config.node(), clock.getZone());
  }

  /**
   * Whether {@code o} is a failure that left the file untouched (nothing moved aside) and repeats
   * the last such failure of that file, same reason and same message. It is then not reported again
   * (no event, no metric): a dead reopen target or a missing pid file would otherwise add a failure
   * at every check until someone fixes it. A rotation that moves the file, or a different failure,
   * is reported and starts over. Only the periodic triggers (size, schedule, age) are folded so.
   */
  private boolean repeatsLastUntouchedFailure(RotationOutcome o) {
    if (!LeasedRotation.RECHECKED.contains(o.trigger())) {
      return false; // asked for (rotate now, a command, an emergency): always answered
    }
    if (o.result() != Result.FAILED || o.backup().isPresent()) {
      untouchedFailures.remove(o.liveFile());
      return false;
    }
    String failure = o.reason().map(Enum::name).orElse("") + ": " + o.message();
    return failure.equals(untouchedFailures.put(o.liveFile(), failure));
  }

  /** Remembers, counts, logs and reports how a rotation ended. */
  private void finish(LeasedRotation.Ended ended) {
    RotationOutcome o = ended.outcome();
    Optional<Instant> rotatedElsewhereAt = ended.rotatedElsewhereAt();
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
            FenceView.of(o.liveFile(), clock).holds(o.fencingToken()) ? o.fencingToken() : 0);
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
    report(new Unreported(o, lock.backendName(), ended.lockWaitMs()));
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

  /**
   * The state of every watched file. Only reads: the growth rate is estimated from the last sample
   * the daemon took, and nothing is recorded or saved (see {@link #sampleGrowth}).
   */
  public List<FileReport> status() {
    return inspect(false);
  }

  /**
   * The daemon's periodic look at every watched file: as {@link #status}, and records what it saw
   * (the first sight of a file, which starts its age and schedule clocks; a growth sample; the file
   * and disk metrics) in the state directory and the metrics.
   */
  public List<FileReport> sampleGrowth() {
    return inspect(true);
  }

  private List<FileReport> inspect(boolean sample) {
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
        reports.add(report(w, now, disk, sample));
      } catch (IOException e) {
        log.warn("cannot inspect {}: {}", w.path(), e.getMessage());
      }
    }
    if (sample) {
      growthLog.save(now, false);
      try {
        store.saveIfNew();
      } catch (IOException e) {
        log.error("cannot save the agent state: {}", e.getMessage());
      }
      growth.save();
    }
    return reports;
  }

  private FileReport report(Watched w, Instant now, DiskUsageProbe.Usage disk, boolean sample)
      throws IOException {
    Path p = w.path();
    long size = Files.size(p);
    FileStateStore.FileState st;
    double rate;
    if (sample) {
      st = store.get(p, now);
      rate = growth.update(p, size, now);
      growthLog.observe(p, size, now);
      metrics.recordFile(p, size, rate);
      metrics.recordDisk(disk.mount(), disk.usedRatio());
    } else {
      st = store.peek(p, now);
      rate = growth.estimate(p, size, now);
    }
    Instant since = st.sinceInstant();
    RotationSpec spec = spec(w.entry(), p);
    List<Backup> backups = spec.naming().list();
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
   * stateDir/growth.json}) and its mount now. Records the sizes it finds, like {@link
   * #sampleGrowth}.
   */
  public List<FileAdvice> advise(AdvicePolicy policy) {
    Instant now = clock.instant();
    List<FileAdvice> out = new ArrayList<>();
    for (FileReport r : sampleGrowth()) {
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
