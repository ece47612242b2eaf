package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.ahead.AheadBackup;
import io.fleetrotate.agent.ahead.AheadLock;
import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionFailure;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.CompressionResult;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.Accounts;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.agent.reopen.ReopenFailure;
import io.fleetrotate.agent.rotate.live.FileHandle;
import io.fleetrotate.agent.rotate.live.NewFileAttributes;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseLostException;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates one log file as a journaled state machine: move aside, reopen, compress into a temporary
 * file, fsync, rename into place, fsync the directory, delete the uncompressed backup, prune. Each
 * destructive step is announced in the {@link RotationJournal} and checked against the lease first;
 * after a crash {@link #resume} finishes or undoes what the journal shows.
 *
 * <p>Runs on the calling thread, which must be a worker thread: it does file I/O, fsync and
 * compression.
 */
public final class RotationEngine {

  private static final Logger log = LoggerFactory.getLogger(RotationEngine.class);
  private static final int PREFIX_COMPARE_BYTES = 1 << 20;
  private static final int MAX_COMPRESS_ATTEMPTS = 3;

  private final Path journalDir;
  private final Clock clock;
  private final Compressor compressor;
  private final LiveMover mover;
  private final StepListener steps;

  public RotationEngine(Path stateDir, Clock clock) {
    this(stateDir, clock, StepListener.NONE);
  }

  /**
   * @param steps told of each step once its journal record is durable ({@link StepListener#NONE} in
   *     production)
   */
  public RotationEngine(Path stateDir, Clock clock, StepListener steps) {
    this(stateDir.resolve("journal"), clock, new Compressor(), new LiveFileMoverAdapter(), steps);
  }

  RotationEngine(Path journalDir, Clock clock, Compressor compressor, LiveMover mover) {
    this(journalDir, clock, compressor, mover, StepListener.NONE);
  }

  private RotationEngine(
      Path journalDir, Clock clock, Compressor compressor, LiveMover mover, StepListener steps) {
    this.journalDir = journalDir;
    this.clock = clock;
    this.compressor = compressor;
    this.mover = mover;
    this.steps = steps;
  }

  /** A failure with its wire reason; the message is the sentence an operator reads. */
  static final class RotationFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final FailureReason reason;

    RotationFailure(FailureReason reason, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
    }
  }

  /**
   * Journals of rotations a crash interrupted, oldest first, and of rotations that finished but
   * whose event was not yet kept ({@link PendingRotation#finished}).
   */
  public List<PendingRotation> pending() throws IOException {
    return RotationJournal.pending(journalDir).stream().map(PendingRotation::new).toList();
  }

  /**
   * Rotations that finished and whose event is not yet kept, whichever process ran them (a {@code
   * rotate} command beside the daemon leaves its events so when the daemon owns the outbox). Only
   * reads the journals.
   */
  public List<RotationOutcome> finishedUnreported() throws IOException {
    return RotationJournal.finished(journalDir).stream()
        .map(p -> new PendingRotation(p).finished().orElseThrow())
        .toList();
  }

  /**
   * The event of the ended rotation {@code rotationId} (succeeded or failed) is kept by whoever
   * reports it: its journal, which held the outcome until now, goes away. Nothing for any other
   * outcome.
   */
  public void eventKept(String rotationId) throws IOException {
    RotationJournal.discard(journalDir, rotationId);
  }

  /** What the {@link RotationStep#DONE} record keeps of an ended rotation beyond its plan. */
  private static Map<String, String> finishedDetails(RotationOutcome o) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("result", o.result().name());
    o.reason().ifPresent(r -> d.put("reason", r.name()));
    d.put("message", o.message());
    d.put("bytesBefore", Long.toString(o.bytesBefore()));
    d.put("bytesAfter", Long.toString(o.bytesAfter()));
    d.put("codec", o.codec().wireName());
    d.put("finishedAt", o.finishedAt().toString());
    return d;
  }

  /** A rotation found in the journal, to be finished by {@link #resume}. */
  public static final class PendingRotation {
    private final RotationJournal.Pending pending;

    PendingRotation(RotationJournal.Pending pending) {
      this.pending = pending;
    }

    public Path liveFile() {
      return Path.of(pending.plan().livePath());
    }

    public String group() {
      return pending.plan().group();
    }

    public RotationStep lastStep() {
      return pending.lastStep();
    }

    /**
     * The outcome of a rotation that ended, succeeded or failed, before the kill (its journal ends
     * with {@link RotationStep#DONE}): nothing is left to do but report it. Empty for a rotation to
     * {@link #resume}.
     */
    public Optional<RotationOutcome> finished() {
      if (pending.lastStep() != RotationStep.DONE) {
        return Optional.empty();
      }
      RotationPlan plan = pending.plan();
      Map<String, String> d = pending.details();
      return Optional.of(
          RotationOutcome.ended(
              new RotationOutcome.Attempt(
                  plan.rotationId(),
                  Path.of(plan.livePath()),
                  plan.group(),
                  plan.trigger(),
                  plan.fencingToken(),
                  Instant.parse(plan.startedAt())),
              Result.valueOf(d.getOrDefault("result", Result.SUCCESS.name())),
              Optional.ofNullable(d.get("reason")).map(FailureReason::valueOf),
              d.getOrDefault("message", "rotated"),
              new RotationOutcome.Work(
                  Long.parseLong(d.getOrDefault("bytesBefore", "0")),
                  Long.parseLong(d.getOrDefault("bytesAfter", "0")),
                  Optional.ofNullable(d.get("codec"))
                      .flatMap(Codec::ofWireName)
                      .orElse(plan.codec()),
                  Optional.of(Path.of(plan.backupPath()))),
              Instant.parse(d.getOrDefault("finishedAt", plan.startedAt()))));
    }
  }

  /** Rotates {@code spec.liveFile()} now, under {@code lease}. Never throws: see the outcome. */
  public RotationOutcome rotate(
      RotationSpec spec, Trigger trigger, Lease lease, ProgressListener progress) {
    // The compress-ahead writer keeps away until the backup is compressed (see AheadLock).
    try (AheadLock held = AheadLock.acquire(journalDir.getParent())) {
      return rotateHeld(spec, trigger, lease, progress);
    }
  }

  private RotationOutcome rotateHeld(
      RotationSpec spec, Trigger trigger, Lease lease, ProgressListener progress) {
    Instant started = clock.instant();
    FileHandle live = null;
    FileHandle.Stat checked;
    RotationJournal journal;
    try {
      checked = RotatableFile.check(spec);
      live = RotatableFile.open(spec, Optional.of(checked));
      if (spec.move() == RotationSpec.Move.RENAME) {
        checkReopener(spec);
      }
      RotationPlan plan = newPlan(spec, trigger, lease, started);
      lease.checkValid();
      journal = RotationJournal.begin(journalDir, plan, clock, steps);
    } catch (RotationFailure | LeaseLostException | IOException e) {
      closeQuietly(live, spec.liveFile());
      RotationFailure f = asFailure(e, "rotating " + spec.liveFile());
      return notJournaled(spec, trigger, lease, started, Optional.empty(), f);
    }
    try (Run run =
        new Run(spec, lease, progress, journal, live, true, Tally.moved(checked.size()))) {
      return run.from(RotationStep.BEGIN, Map.of());
    }
  }

  /** Finishes (or undoes) a rotation a crash interrupted, under a fresh lease of its group. */
  public RotationOutcome resume(PendingRotation p, RotationSpec spec, Lease lease) {
    try (AheadLock held = AheadLock.acquire(journalDir.getParent())) {
      return resumeHeld(p, spec, lease);
    }
  }

  private RotationOutcome resumeHeld(PendingRotation p, RotationSpec spec, Lease lease) {
    RotationJournal.Pending pending = p.pending;
    RotationPlan plan = pending.plan();
    RotationJournal journal;
    try {
      journal = RotationJournal.resume(pending, clock, steps);
    } catch (IOException e) {
      RotationFailure f = asFailure(e, "resuming the rotation of " + plan.livePath());
      return notJournaled(
          spec, plan.trigger(), lease, Instant.parse(plan.startedAt()), Optional.of(plan), f);
    }
    log.info(
        "resuming rotation {} of {} after step {}",
        plan.rotationId(),
        plan.livePath(),
        pending.lastStep());
    try (Run run =
        new Run(spec, lease, ProgressListener.NONE, journal, null, false, Tally.NOTHING)) {
      return run.from(pending.lastStep(), pending.details());
    }
  }

  /** The plan of a new rotation of {@code spec}, fixed before anything is touched. */
  private static RotationPlan newPlan(
      RotationSpec spec, Trigger trigger, Lease lease, Instant started) throws IOException {
    return new RotationPlan(
        UUID.randomUUID().toString(),
        spec.group(),
        spec.liveFile().toString(),
        spec.naming().newBackup(started).toString(),
        spec.move(),
        spec.compression().map(CompressionRequest::codec).orElse(Codec.NONE),
        spec.compression().map(CompressionRequest::level).orElse(0),
        trigger,
        lease.fencingToken(),
        started.toString());
  }

  /** A server that cannot be told (a dead or wrong pid) must not leave the log moved aside. */
  private static void checkReopener(RotationSpec spec) throws RotationFailure {
    try {
      spec.reopener().check(spec.liveFile());
    } catch (ReopenFailure e) {
      throw new RotationFailure(FailureReason.REOPEN_FAILED, e.getMessage(), e);
    }
  }

  /** The one sentence an operator reads for what stopped a rotation. */
  private static RotationFailure asFailure(Exception e, String doing) {
    if (e instanceof RotationFailure f) {
      return f;
    }
    if (e instanceof LeaseLostException lost) {
      return new RotationFailure(FailureReason.LEASE_LOST, lost.getMessage(), lost);
    }
    return classify((IOException) e, doing);
  }

  /** The outcome of a rotation that failed before (or without) a journal to end. */
  private RotationOutcome notJournaled(
      RotationSpec spec,
      Trigger trigger,
      Lease lease,
      Instant started,
      Optional<RotationPlan> plan,
      RotationFailure f) {
    RotationFailure why = explained(f, spec, lease);
    log.warn("rotation of {} failed: {}", spec.liveFile(), why.getMessage());
    RotationOutcome.Attempt attempt =
        new RotationOutcome.Attempt(
            plan.map(RotationPlan::rotationId).orElseGet(() -> UUID.randomUUID().toString()),
            spec.liveFile(),
            spec.group(),
            trigger,
            lease.fencingToken(),
            started);
    // A resumed rotation names its planned backup: the file may have been touched, so the daemon
    // never folds this failure into the last one.
    return RotationOutcome.ended(
        attempt,
        Result.FAILED,
        Optional.of(why.reason),
        why.getMessage(),
        new RotationOutcome.Work(0, 0, Codec.NONE, plan.map(pl -> Path.of(pl.backupPath()))),
        clock.instant());
  }

  /**
   * A file that vanished under a holder whose lease is gone was most likely taken over by the next
   * holder (a paused or cut-off agent on a shared volume): say so, not "I/O error".
   */
  private RotationFailure explained(RotationFailure f, RotationSpec spec, Lease lease) {
    if (f.reason != FailureReason.IO_ERROR && f.reason != FailureReason.COMPRESSION_FAILED) {
      return f;
    }
    return superseded(spec, lease)
        .map(why -> new RotationFailure(FailureReason.LEASE_LOST, why + "; " + f.getMessage(), f))
        .orElse(f);
  }

  /** Why this rotation's lease no longer stands (lost, or a higher token in the fence). */
  private Optional<String> superseded(RotationSpec spec, Lease lease) {
    try {
      lease.checkValid();
    } catch (LeaseLostException e) {
      return Optional.of("the lease was lost (" + e.getMessage() + ")");
    }
    if (lease.fencingToken() <= 0) {
      return Optional.empty();
    }
    try {
      Optional<FenceFile.Entry> e = FenceView.of(spec.liveFile(), clock).ahead(lease);
      if (e.isPresent()) {
        return Optional.of(
            e.get().holder()
                + " rotated this file under the higher token "
                + e.get().token()
                + " at "
                + e.get().at());
      }
    } catch (IOException unreadable) {
      // No evidence either way: keep the I/O error as it is.
    }
    return Optional.empty();
  }

  private static void closeQuietly(FileHandle handle, Path name) {
    if (handle == null) {
      return;
    }
    try {
      handle.close();
    } catch (IOException e) {
      log.debug("closing {} failed: {}", name, e.getMessage());
    }
  }

  static RotationFailure classify(IOException e, String doing) {
    String text = String.valueOf(e.getMessage());
    if (e instanceof AccessDeniedException) {
      return new RotationFailure(
          FailureReason.PERMISSION_DENIED,
          "permission denied " + doing + ": " + text + "; run the agent as the log's owner",
          e);
    }
    if (text.contains("No space left on device") || text.contains("Disk quota exceeded")) {
      return new RotationFailure(
          FailureReason.DISK_FULL, "disk full " + doing + ": " + text + "; nothing was lost", e);
    }
    return new RotationFailure(FailureReason.IO_ERROR, "I/O error " + doing + ": " + text, e);
  }

  /**
   * What the steps so far tell the outcome: the bytes moved out of the live file, the bytes the
   * backup keeps, the codec used and a note for the operator. Each step returns a new one.
   */
  private record Tally(long bytesBefore, long bytesAfter, Codec codec, String note) {
    static final Tally NOTHING = moved(0);

    static Tally moved(long bytes) {
      return new Tally(bytes, 0, Codec.NONE, "");
    }

    Tally movedFrom(LiveMover.Moved moved) {
      return new Tally(moved.bytesCopied(), bytesAfter, codec, moved.note().orElse(note));
    }

    Tally kept(long bytes, Codec codecUsed, Optional<String> why) {
      return new Tally(bytesBefore, bytes, codecUsed, why.orElse(note));
    }

    String message() {
      return note.isEmpty() ? "rotated" : note;
    }
  }

  /**
   * A copy method's compressed backup begun from the compress-ahead partial and written straight
   * from the live file (no uncompressed copy): the temporary file it is written into, its final
   * name, and the live file's bytes it held durably at COPIED. Journaled with MOVING ({@code
   * direct}, {@code directTarget}) and COPIED ({@code copied}), read back from there on resume.
   */
  private record Direct(Path tmp, Path target, long copied) {

    /** What the journal's records so far say; empty when MOVING named none or cleared it. */
    static Optional<Direct> journaled(Map<String, String> details) {
      return Optional.ofNullable(details.get("direct"))
          .filter(d -> !d.isEmpty())
          .map(
              d ->
                  new Direct(
                      Path.of(d),
                      Path.of(details.getOrDefault("directTarget", "")),
                      Long.parseLong(details.getOrDefault("copied", "0"))));
    }

    Direct copiedAtCut(long bytes) {
      return new Direct(tmp, target, bytes);
    }

    /** The backup under whichever name it has now, if it exists. */
    Optional<Path> file() {
      return Optional.of(tmp)
          .filter(t -> Files.exists(t, LinkOption.NOFOLLOW_LINKS))
          .or(() -> Optional.of(target).filter(t -> Files.exists(t, LinkOption.NOFOLLOW_LINKS)));
    }
  }

  /**
   * One rotation in progress: one method per journal step, run from wherever the journal says it
   * stands. What the rotation is (spec, lease, plan, journal) is fixed; only the held live file,
   * the {@link Tally} and the {@link Direct} backup change as steps complete (the last two are
   * immutable values, each replaced as a whole).
   */
  private final class Run implements AutoCloseable {
    private final RotationSpec spec;
    private final Lease lease;
    private final ProgressListener progress;
    private final RotationJournal journal;
    private final RotationPlan plan;
    private final FenceView fence;

    /**
     * This run began the rotation (rather than resuming it after a kill): the live file and, for a
     * rename, the reopener were checked before the move.
     */
    private final boolean fresh;

    private FileHandle live;
    private Tally tally;

    /** Copy methods with a usable compress-ahead partial: the backup written straight into. */
    private Optional<Direct> direct = Optional.empty();

    Run(
        RotationSpec spec,
        Lease lease,
        ProgressListener progress,
        RotationJournal journal,
        FileHandle live,
        boolean fresh,
        Tally tally) {
      this.spec = spec;
      this.lease = lease;
      this.progress = progress;
      this.journal = journal;
      this.plan = journal.plan();
      this.fence = FenceView.of(spec.liveFile(), clock);
      this.live = live;
      this.fresh = fresh;
      this.tally = tally;
    }

    /** Runs the steps after {@code last}; never throws: a failure ends the journal too. */
    RotationOutcome from(RotationStep last, Map<String, String> details) {
      try {
        return steps(last, details);
      } catch (RotationFailure | LeaseLostException | IOException e) {
        return failed(
            asFailure(e, (fresh ? "rotating " : "resuming the rotation of ") + spec.liveFile()));
      }
    }

    private RotationOutcome steps(RotationStep last, Map<String, String> details)
        throws IOException, RotationFailure, LeaseLostException {
      direct = Direct.journaled(details);
      LiveMover.Moved moved =
          switch (last) {
            case BEGIN -> move();
            case MOVING, COPIED -> finishInterruptedMove(last);
            case MOVED, REOPENED, COMPRESSING, COMPRESSED, BACKUP_DELETED, DONE ->
                movedBefore(details);
          };
      if (moved.skipped()) {
        journal.complete();
        return outcome(Result.SKIPPED, null, moved.note().orElse("nothing to move"));
      }
      tally = tally.movedFrom(moved);
      switch (last) {
        case BEGIN, MOVING, COPIED, MOVED -> reopen();
        case COMPRESSING -> Files.deleteIfExists(Path.of(details.get("tmp")));
        case COMPRESSED -> finishInterruptedCompression(details);
        case REOPENED, BACKUP_DELETED, DONE -> {}
      }
      compressPending();
      if (direct.isPresent()) {
        tally = tally.kept(regularFileSize(direct.get().target()), plan.codec(), Optional.empty());
      }
      prune();
      return end(outcome(Result.SUCCESS, null, tally.message()));
    }

    /**
     * Before each destructive step: the lease is still ours and the file's fence admits it. The
     * admission is held until the step is done (close it after the step).
     */
    private FenceFile.Admission guard() throws LeaseLostException, IOException {
      lease.checkValid();
      return fence.admit(lease);
    }

    private Path backup() {
      return Path.of(plan.backupPath());
    }

    /** The live file, held since the check (or opened now when a resumed rotation moves it). */
    private FileHandle live() throws IOException, RotationFailure {
      if (live == null) {
        live = RotatableFile.open(spec, Optional.empty());
      }
      return live;
    }

    /** Closes what the run holds, after {@link #failed} could still end the journal. */
    @Override
    public void close() {
      closeQuietly(live, spec.liveFile());
      live = null;
      try {
        journal.close();
      } catch (IOException e) {
        log.debug(
            "closing the journal of rotation {} failed: {}", plan.rotationId(), e.getMessage());
      }
    }

    /**
     * Ends the journal with {@code o} in its {@link RotationStep#DONE} record: the journal keeps
     * the outcome until its event is kept elsewhere ({@link RotationEngine#eventKept}), across a
     * kill. The same for a success and a failure.
     */
    private RotationOutcome end(RotationOutcome o) {
      try {
        journal.record(RotationStep.DONE, finishedDetails(o));
        return o;
      } catch (IOException e) {
        // The rotation has ended all the same; only a kill before its event is written loses it
        // now.
        log.warn(
            "cannot journal the end of rotation {} ({}); its event is not kept across a kill",
            plan.rotationId(),
            e.getMessage());
      }
      try {
        journal.complete();
      } catch (IOException e) {
        log.warn("could not remove the journal of rotation {}", plan.rotationId(), e);
      }
      return o;
    }

    /** MOVING, (COPIED,) MOVED: the live file's bytes go to the backup. */
    private LiveMover.Moved move() throws IOException, RotationFailure, LeaseLostException {
      return switch (plan.move()) {
        case RENAME -> rename();
        case COPYTRUNCATE, COLLAPSE -> copyAndCut();
      };
    }

    private LiveMover.Moved rename() throws IOException, RotationFailure, LeaseLostException {
      FileHandle held = live();
      try (FenceFile.Admission step = guard()) {
        journal.record(RotationStep.MOVING);
        try {
          Durable.SYSTEM.rename(spec.liveFile(), backup());
        } catch (IOException e) {
          throw classify(e, "renaming " + spec.liveFile() + " to " + backup());
        }
        checkRenamedIsHeld(held);
        long bytes = held.size();
        journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(bytes)));
        return new LiveMover.Moved(bytes, Optional.empty(), false);
      }
    }

    private LiveMover.Moved copyAndCut() throws IOException, RotationFailure, LeaseLostException {
      FileHandle held = live();
      NewFileAttributes backupAttributes = newFileAttributes(); // an unknown owner fails here
      guard().close();
      Optional<AheadBackup> into = directBackup(held, backupAttributes);
      if (into.isEmpty()) {
        journal.record(RotationStep.MOVING);
      }
      LiveMover.Moved moved;
      FenceFile.Admission[] cut = new FenceFile.Admission[1];
      LiveMover.BeforeCut beforeCut =
          copied -> {
            try {
              cut[0] = guard(); // held through the cut, closed below
            } catch (LeaseLostException e) {
              throw new LeaseLostWhileMoving(e);
            }
            direct = direct.map(d -> d.copiedAtCut(copied));
            journal.record(RotationStep.COPIED, Map.of("copied", Long.toString(copied)));
          };
      try {
        moved =
            into.isPresent()
                ? moveDirect(held, into.get(), backupAttributes, beforeCut, cut)
                : mover.move(held, backup(), plan.move(), backupAttributes, beforeCut);
      } catch (LeaseLostWhileMoving e) {
        deleteCopies();
        throw e.lost;
      } catch (IOException e) {
        // The live file is cut only after COPIED; before that the backup is a disposable copy.
        if (!cutHappened()) {
          deleteCopies();
        }
        throw classify(e, "copying " + spec.liveFile() + " to " + backup());
      } finally {
        if (cut[0] != null) {
          cut[0].close();
        }
      }
      if (!moved.skipped()) {
        if (direct.isPresent()) {
          Durable.SYSTEM.rename(direct.get().tmp(), direct.get().target());
        }
        journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(moved.bytesCopied())));
      }
      return moved;
    }

    /**
     * The compressed backup, begun from the live file's compress-ahead partial, into which the live
     * file's bytes are moved without an uncompressed copy: when compression is on and not delayed,
     * and the partial covers a prefix of the live file with more after it. MOVING is journaled here
     * with the temporary file's name, before the partial becomes that file. Empty when the live
     * file is to be copied as before; if MOVING named a temporary file, a later MOVING clears it.
     */
    private Optional<AheadBackup> directBackup(FileHandle held, NewFileAttributes attributes)
        throws IOException {
      Optional<CompressionRequest> request = spec.compression();
      if (request.isEmpty() || spec.delayCompress()) {
        return Optional.empty();
      }
      AheadPartial partial = AheadPartial.of(spec.liveFile(), journalDir.getParent(), compressor);
      long size = held.size();
      FileHandle.FileIdentity id = held.opened().identity();
      OptionalLong covered = partial.covers(held::read, id, size, request.get());
      if (covered.isEmpty() || covered.getAsLong() >= size) {
        return Optional.empty();
      }
      Path target =
          backup().resolveSibling(backup().getFileName() + request.get().codec().fileExtension());
      Path tmp = BackupNaming.tempFor(target, plan.rotationId());
      journal.record(
          RotationStep.MOVING, Map.of("direct", tmp.toString(), "directTarget", target.toString()));
      direct = Optional.of(new Direct(tmp, target, 0));
      Optional<AheadBackup> claimed = Optional.empty();
      try {
        claimed = partial.claim(held::read, id, size, tmp, request.get());
        if (claimed.isPresent()) {
          try (FileHandle made = FileHandle.openExisting(tmp)) {
            attributes.applyTo(made, Optional.of(held.opened()));
          }
          return claimed;
        }
      } catch (IOException e) {
        log.warn(
            "cannot begin the backup of {} from its compress-ahead partial ({}); copying it",
            spec.liveFile(),
            e.toString());
        if (claimed.isPresent()) {
          claimed.get().close();
        }
        Files.deleteIfExists(tmp);
      }
      return undoDirect();
    }

    /**
     * Moves the live file into the backup begun from its partial; a failure before the cut (the
     * live file unchanged) falls back to the uncompressed copy.
     */
    private LiveMover.Moved moveDirect(
        FileHandle held,
        AheadBackup into,
        NewFileAttributes attributes,
        LiveMover.BeforeCut beforeCut,
        FenceFile.Admission[] cut)
        throws IOException {
      try {
        return mover.move(held, into, plan.move(), beforeCut);
      } catch (LeaseLostWhileMoving e) {
        throw e;
      } catch (IOException e) {
        if (cut[0] != null) {
          throw e; // the live file may have been cut: the backup stays as it is
        }
        log.warn(
            "cannot write the backup of {} from its compress-ahead partial ({}); copying it",
            spec.liveFile(),
            e.toString());
        Files.deleteIfExists(direct.orElseThrow().tmp());
        undoDirect();
        return mover.move(held, backup(), plan.move(), attributes, beforeCut);
      }
    }

    /** Back to the uncompressed copy: journaled, so a resumed rotation undoes that one. */
    private Optional<AheadBackup> undoDirect() throws IOException {
      direct = Optional.empty();
      journal.record(RotationStep.MOVING, Map.of("direct", "", "directTarget", ""));
      return Optional.empty();
    }

    /** Deletes what holds a copy of the live file while the live file itself is unchanged. */
    private void deleteCopies() throws IOException {
      Files.deleteIfExists(backup());
      if (direct.isPresent()) {
        Files.deleteIfExists(direct.get().tmp());
      }
      Durable.SYSTEM.fsyncDirectory(backup().getParent());
    }

    /** A rotation resumed after its move: what the backup holds. */
    private LiveMover.Moved movedBefore(Map<String, String> details) throws IOException {
      long bytes =
          direct.isPresent()
              ? Long.parseLong(details.getOrDefault("bytes", "0"))
              : regularFileSize(backup());
      return new LiveMover.Moved(bytes, Optional.empty(), false);
    }

    /**
     * The move a crash interrupted after MOVING or COPIED: carried on (MOVED recorded) when it
     * finished, undone (skipped) otherwise.
     */
    private LiveMover.Moved finishInterruptedMove(RotationStep last) throws IOException {
      Path backup = backup();
      boolean backupExists = Files.exists(backup, LinkOption.NOFOLLOW_LINKS);
      boolean done =
          switch (plan.move()) {
            case RENAME -> backupExists;
            case COPYTRUNCATE, COLLAPSE -> last == RotationStep.COPIED && cutHappened();
          };
      if (!done) {
        if (plan.move() != RotationSpec.Move.RENAME) {
          deleteCopies();
        }
        return new LiveMover.Moved(0, Optional.of("rolled back an interrupted rotation"), true);
      }
      if (direct.isPresent() && Files.exists(direct.get().tmp(), LinkOption.NOFOLLOW_LINKS)) {
        Durable.SYSTEM.rename(direct.get().tmp(), direct.get().target());
      }
      long bytes = direct.isPresent() ? direct.get().copied() : regularFileSize(backup);
      journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(bytes)));
      return new LiveMover.Moved(bytes, Optional.empty(), false);
    }

    /**
     * The rename just done moved the file this rotation holds: otherwise the name was swapped in
     * between (a symbolic link or another file now sits under the backup's name), and the rotation
     * stops before compressing, which would read whatever that is.
     */
    private void checkRenamedIsHeld(FileHandle held) throws IOException, RotationFailure {
      FileHandle.Stat renamed = FileHandle.statNoFollow(backup());
      if (!renamed.identity().equals(held.opened().identity())) {
        throw new RotationFailure(
            FailureReason.CONFIG_ERROR,
            "refusing to go on rotating "
                + spec.liveFile()
                + ": it was replaced while being renamed, so "
                + backup()
                + " is "
                + (renamed.isSymbolicLink() ? "a symbolic link" : "another file")
                + ", not the log that was checked; it is left as it is for you to inspect",
            null);
      }
    }

    /** The owner and mode that {@code create} asks for, as ids; unset parts copy the live file. */
    private NewFileAttributes newFileAttributes() throws RotationFailure {
      RotationSpec.NewLiveFile create = spec.create();
      OptionalInt mode =
          create.mode().map(m -> OptionalInt.of(modeBits(m))).orElse(OptionalInt.empty());
      return new NewFileAttributes(
          mode, account(create.owner(), false), account(create.group(), true));
    }

    private OptionalInt account(Optional<String> name, boolean group) throws RotationFailure {
      if (name.isEmpty()) {
        return OptionalInt.empty();
      }
      OptionalInt id = group ? Accounts.HOST.gid(name.get()) : Accounts.HOST.uid(name.get());
      if (id.isEmpty()) {
        throw new RotationFailure(
            FailureReason.CONFIG_ERROR,
            "create."
                + (group ? "group" : "owner")
                + " \""
                + name.get()
                + "\" is not a "
                + (group ? "group" : "user")
                + " on this host; create it or write an existing name or numeric id",
            null);
      }
      return id;
    }

    /**
     * Creates the new empty live file with the configured mode and owner, if asked to: {@code
     * O_CREAT|O_EXCL|O_NOFOLLOW}, then owner and mode set on the new descriptor (parts not
     * configured copy the rotated file), so a name swapped right after the creation is never
     * chowned or chmodded.
     */
    private void createLiveFile() throws IOException, RotationFailure {
      RotationSpec.NewLiveFile create = spec.create();
      if (!create.wanted() || Files.exists(spec.liveFile(), LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      NewFileAttributes attributes = newFileAttributes();
      Optional<FileHandle.Stat> like = Optional.ofNullable(live).map(FileHandle::opened);
      if (like.isEmpty()) {
        like = rotatedFileAttributes();
      }
      try (FileHandle created = FileHandle.createNew(spec.liveFile())) {
        attributes.applyTo(created, like);
      } catch (java.nio.file.FileAlreadyExistsException racedByTheServer) {
        return;
      }
      Durable.SYSTEM.fsyncDirectory(spec.liveFile().getParent());
    }

    /**
     * Resuming after a crash, the live file was never opened in this run: the new one copies owner
     * and mode from the file moved to the backup, read by descriptor (none if it is gone or not a
     * regular file, and then only what {@code create} configures applies).
     */
    private Optional<FileHandle.Stat> rotatedFileAttributes() {
      try (FileHandle rotated = FileHandle.openForReading(backup())) {
        return Optional.of(rotated.opened());
      } catch (IOException gone) {
        return Optional.empty();
      }
    }

    /**
     * Whether the live file no longer starts with the backup's bytes, i.e. it was cut. A backup
     * written straight from the live file is compared decoded, over the bytes it held at COPIED.
     */
    private boolean cutHappened() throws IOException {
      Optional<Path> copy =
          direct.isPresent()
              ? direct.get().file()
              : Optional.of(backup()).filter(b -> Files.exists(b, LinkOption.NOFOLLOW_LINKS));
      if (copy.isEmpty()) {
        return false;
      }
      long backupSize = direct.isPresent() ? direct.get().copied() : regularFileSize(copy.get());
      if (backupSize == 0) {
        return false;
      }
      if (regularFileSize(spec.liveFile()) < backupSize) {
        return true;
      }
      int n = (int) Math.min(backupSize, PREFIX_COMPARE_BYTES);
      InputStream stored = Files.newInputStream(copy.get(), LinkOption.NOFOLLOW_LINKS);
      try (InputStream a =
              direct.isPresent()
                  ? Codec.ofFile(direct.get().target()).orElseThrow().decoding(stored)
                  : stored;
          InputStream b = Files.newInputStream(spec.liveFile(), LinkOption.NOFOLLOW_LINKS)) {
        return !java.util.Arrays.equals(a.readNBytes(n), b.readNBytes(n));
      }
    }

    /** REOPENED: after a rename, the server lets go of the file moved to the backup. */
    private void reopen() throws IOException, RotationFailure {
      if (plan.move() == RotationSpec.Move.RENAME) {
        createLiveFile();
        try {
          if (!fresh && Files.exists(backup(), LinkOption.NOFOLLOW_LINKS)) {
            // Resuming after a crash: the server still writes the file moved to the backup.
            spec.reopener().check(backup());
          }
          spec.reopener().reopen();
        } catch (ReopenFailure e) {
          // The backup is safe under its name; it stays uncompressed while the server holds it.
          throw new RotationFailure(FailureReason.REOPEN_FAILED, e.getMessage(), e);
        }
      }
      journal.record(RotationStep.REOPENED);
    }

    /**
     * COMPRESSED after a kill: the compressed file is in place, so its source goes, as {@link
     * #compressOne} would have done next.
     */
    private void finishInterruptedCompression(Map<String, String> details) throws IOException {
      Path source = Path.of(details.get("source"));
      if (Files.exists(Path.of(details.get("target")), LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(source);
        Durable.SYSTEM.fsyncDirectory(source.getParent());
      }
    }

    /**
     * COMPRESSING, COMPRESSED, BACKUP_DELETED for every uncompressed backup of this log that nobody
     * writes to any more; the tally tells what became of this rotation's backup.
     */
    private void compressPending() throws IOException, RotationFailure, LeaseLostException {
      if (spec.compression().isEmpty()) {
        tally = tally.kept(regularFileSize(backup()), Codec.NONE, Optional.empty());
        return;
      }
      CompressionRequest request = spec.compression().get();
      List<Backup> all = spec.naming().list();
      Optional<Backup> newest =
          all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
      for (Backup b : all) {
        if (b.compressed()) {
          continue;
        }
        boolean current = b.path().equals(backup());
        if (spec.delayCompress() && newest.isPresent() && newest.get().equals(b)) {
          if (current) {
            tally =
                tally.kept(
                    b.sizeBytes(),
                    tally.codec(),
                    Optional.of("compression delayed until the next rotation (compress.delay)"));
          }
          continue;
        }
        if (!writerLetGo(b.path(), current)) {
          if (current) {
            tally =
                tally.kept(
                    regularFileSize(b.path()),
                    tally.codec(),
                    Optional.of("compression deferred: a process still writes to " + b.path()));
          }
          continue;
        }
        CompressionResult r = compressOne(b.path(), request, current);
        if (current) {
          tally =
              tally.kept(
                  r.bytesOut(),
                  r.codecUsed(),
                  r.fallbackReason().map(why -> "fell back to gzip: " + why));
        }
      }
      if (tally.bytesAfter() == 0 && !Files.exists(backup(), LinkOption.NOFOLLOW_LINKS)) {
        // Resumed after the current backup was already compressed.
        for (Backup b : spec.naming().list()) {
          if (b.path().getFileName().toString().startsWith(backup().getFileName() + ".")) {
            tally = tally.kept(b.sizeBytes(), tally.codec(), Optional.empty());
          }
        }
      }
    }

    /** After a rename, waits (bounded) until the server has closed the backup. */
    private boolean writerLetGo(Path file, boolean current) {
      if (!OpenFiles.available()) {
        return true;
      }
      long deadline = System.nanoTime() + spec.writerGrace().toNanos();
      while (!OpenFiles.holders(file).isEmpty()) {
        if (!current || System.nanoTime() - deadline > 0) {
          return false;
        }
        try {
          TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }

    private CompressionResult compressOne(Path source, CompressionRequest request, boolean current)
        throws IOException, RotationFailure, LeaseLostException {
      for (int attempt = 1; ; attempt++) {
        guard().close();
        Path target = source.resolveSibling(source.getFileName() + request.codec().fileExtension());
        Path tmp = BackupNaming.tempFor(target, plan.rotationId());
        journal.record(
            RotationStep.COMPRESSING,
            Map.of(
                "source", source.toString(), "tmp", tmp.toString(), "target", target.toString()));
        CompressionResult r;
        try {
          Optional<CompressionResult> ahead =
              current ? fromPartial(source, tmp, request) : Optional.empty();
          r = ahead.isPresent() ? ahead.get() : compressor.compress(source, tmp, request, progress);
        } catch (CompressionFailure f) {
          Files.deleteIfExists(tmp);
          throw new RotationFailure(
              switch (f.reason()) {
                case DISK_FULL -> FailureReason.DISK_FULL;
                case COMPRESSION_FAILED -> FailureReason.COMPRESSION_FAILED;
                case IO_ERROR -> FailureReason.IO_ERROR;
                case CANCELLED -> FailureReason.LEASE_LOST;
              },
              f.getMessage() + "; the uncompressed backup " + source + " is kept",
              f);
        }
        if (regularFileSize(source) != r.bytesIn() && attempt < MAX_COMPRESS_ATTEMPTS) {
          // Something appended while we read: compress again rather than lose the tail.
          Files.deleteIfExists(tmp);
          continue;
        }
        if (regularFileSize(source) != r.bytesIn()) {
          Files.deleteIfExists(tmp);
          throw new RotationFailure(
              FailureReason.COMPRESSION_FAILED,
              source + " kept growing while being compressed; it is kept uncompressed",
              null);
        }
        FenceFile.Admission admitted;
        try {
          admitted = guard();
        } catch (LeaseLostException e) {
          Files.deleteIfExists(tmp); // superseded: its output must not linger
          throw e;
        }
        try (FenceFile.Admission step = admitted) {
          Durable.SYSTEM.rename(tmp, target);
          journal.record(
              RotationStep.COMPRESSED,
              Map.of("source", source.toString(), "target", target.toString()));
          Files.delete(source);
          Durable.SYSTEM.fsyncDirectory(source.getParent());
          journal.record(RotationStep.BACKUP_DELETED);
        }
        return r;
      }
    }

    /**
     * The backup as the compress-ahead partial plus its compressed tail, when the partial covers
     * the start of {@code source}: after a rename the backup is the file the partial was read from,
     * after a copy it holds the live file's first bytes. Empty: compress from scratch.
     */
    private Optional<CompressionResult> fromPartial(
        Path source, Path tmp, CompressionRequest request) throws IOException, RotationFailure {
      try (FileHandle src = FileHandle.openForReading(source)) {
        FileHandle.FileIdentity coveredFile =
            spec.move() == RotationSpec.Move.RENAME
                ? src.opened().identity()
                : live().opened().identity();
        return AheadPartial.of(spec.liveFile(), journalDir.getParent(), compressor)
            .handOver(src::read, coveredFile, src.size(), tmp, request);
      }
    }

    private void prune() throws IOException, LeaseLostException {
      try (FenceFile.Admission step = guard()) {
        Optional<BackupDirectory> opened = BackupDirectory.open(spec.naming());
        if (opened.isEmpty()) {
          return;
        }
        // Listed, checked and deleted relative to one directory descriptor: see BackupDirectory.
        try (BackupDirectory dir = opened.get()) {
          List<Backup> all = dir.list();
          for (Backup b : spec.retention().toDelete(all, clock.instant())) {
            Optional<String> inUse = stillWritten(b, all);
            if (inUse.isPresent()) {
              log.warn(
                  "retention would delete {}, kept until a later rotation: {}",
                  b.path(),
                  inUse.get());
              continue;
            }
            if (dir.delete(b)) {
              log.info("pruned {}", b.path());
            } else {
              log.warn(
                  "did not prune {}: it was replaced or removed since it was listed", b.path());
            }
          }
        }
        Durable.SYSTEM.fsyncDirectory(spec.naming().backupDir());
      }
    }

    /**
     * Why an uncompressed backup may still be written to and must outlive retention for now: its
     * compression is delayed ({@code compress.delay}, for servers that keep writing to the old file
     * a while), or a process still holds it open. Deleting it would lose what the server writes
     * there after the rotation.
     */
    private Optional<String> stillWritten(Backup b, List<Backup> all) {
      if (b.compressed()) {
        return Optional.empty();
      }
      if (spec.delayCompress() && b.equals(all.get(all.size() - 1))) {
        return Optional.of(
            "its compression is delayed (compress.delay); the server may still write to it");
      }
      if (OpenFiles.available()) {
        List<Long> holders = OpenFiles.holders(b.path());
        if (!holders.isEmpty()) {
          return Optional.of("process " + holders + " still has it open");
        }
      }
      return Optional.empty();
    }

    RotationOutcome failed(RotationFailure f) {
      RotationFailure why = explained(f, spec, lease);
      log.warn("rotation of {} failed: {}", spec.liveFile(), why.getMessage());
      // Every failure we catch leaves the files consistent at a step boundary: nothing to resume.
      return end(outcome(Result.FAILED, why.reason, why.getMessage()));
    }

    private RotationOutcome outcome(Result result, FailureReason reason, String message) {
      return RotationOutcome.ended(
          new RotationOutcome.Attempt(
              plan.rotationId(),
              spec.liveFile(),
              spec.group(),
              plan.trigger(),
              lease.fencingToken(),
              Instant.parse(plan.startedAt())),
          result,
          Optional.ofNullable(reason),
          message,
          new RotationOutcome.Work(
              tally.bytesBefore(), tally.bytesAfter(), tally.codec(), Optional.of(backup())),
          clock.instant());
    }
  }

  /** The size of the regular file named {@code p}; 0 when it is missing or anything else. */
  private static long regularFileSize(Path p) throws IOException {
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? a.size() : 0;
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  private static int modeBits(java.util.Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (PosixFilePermission p : permissions) {
      bits |= 0400 >> p.ordinal();
    }
    return bits;
  }

  /** Carries a lease loss out of the mover's callback, which may only throw IOException. */
  private static final class LeaseLostWhileMoving extends IOException {
    private static final long serialVersionUID = 1L;
    final transient LeaseLostException lost;

    LeaseLostWhileMoving(LeaseLostException lost) {
      super(lost.getMessage(), lost);
      this.lost = lost;
    }
  }
}
