package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.ahead.AheadLock;
import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.CompressionFailure;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.CompressionResult;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.Accounts;
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
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
    d.put("codec", o.codec());
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

    public String lastStep() {
      return pending.lastStep().name();
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
          new RotationOutcome(
              plan.rotationId(),
              Path.of(plan.livePath()),
              plan.group(),
              Trigger.valueOf(plan.trigger()),
              Result.valueOf(d.getOrDefault("result", Result.SUCCESS.name())),
              Optional.ofNullable(d.get("reason")).map(FailureReason::valueOf),
              d.getOrDefault("message", "rotated"),
              Long.parseLong(d.getOrDefault("bytesBefore", "0")),
              Long.parseLong(d.getOrDefault("bytesAfter", "0")),
              d.getOrDefault("codec", plan.codec()),
              Instant.parse(plan.startedAt()),
              Instant.parse(d.getOrDefault("finishedAt", plan.startedAt())),
              plan.fencingToken(),
              Optional.of(Path.of(plan.backupPath()))));
    }
  }

  /** Rotates {@code spec.liveFile()} now, under {@code lease}. Never throws: see the outcome. */
  public RotationOutcome rotate(
      RotationSpec spec, Trigger trigger, Lease lease, ProgressListener progress) {
    Instant started = clock.instant();
    RotationPlan plan = null;
    Run run = new Run(spec, trigger, lease, progress, started);
    try {
      run.holdCompressAhead();
      FileHandle.Stat checked = checkRotatable(spec);
      run.live = openChecked(spec, Optional.of(checked));
      long size = checked.size();
      if (spec.move() == RotationSpec.Move.RENAME) {
        // A server that cannot be told (a dead or wrong pid) must not leave the log moved aside.
        try {
          spec.reopener().check(spec.liveFile());
          run.reopenerChecked = true;
        } catch (ReopenFailure e) {
          throw new RotationFailure(FailureReason.REOPEN_FAILED, e.getMessage(), e);
        }
      }
      Path backup = spec.naming().newBackup(started);
      plan =
          new RotationPlan(
              UUID.randomUUID().toString(),
              spec.group(),
              spec.liveFile().toString(),
              backup.toString(),
              spec.move().wireName(),
              spec.compression().map(c -> c.codec().name().toLowerCase()).orElse("none"),
              spec.compression().map(CompressionRequest::level).orElse(0),
              trigger.name(),
              lease.fencingToken(),
              started.toString());
      run.plan = plan;
      run.bytesBefore = size;
      lease.checkValid();
      run.journal = RotationJournal.begin(journalDir, plan, clock, steps);
      return run.from(RotationStep.BEGIN, Map.of());
    } catch (RotationFailure f) {
      return run.failed(f);
    } catch (LeaseLostException e) {
      return run.failed(new RotationFailure(FailureReason.LEASE_LOST, e.getMessage(), e));
    } catch (IOException e) {
      return run.failed(classify(e, "rotating " + spec.liveFile()));
    } finally {
      run.close();
    }
  }

  /** Finishes (or undoes) a rotation a crash interrupted, under a fresh lease of its group. */
  public RotationOutcome resume(PendingRotation p, RotationSpec spec, Lease lease) {
    RotationJournal.Pending pending = p.pending;
    RotationPlan plan = pending.plan();
    Run run =
        new Run(
            spec,
            Trigger.valueOf(plan.trigger()),
            lease,
            ProgressListener.NONE,
            Instant.parse(plan.startedAt()));
    run.plan = plan;
    try {
      run.holdCompressAhead();
      run.journal = RotationJournal.resume(pending, clock, steps);
      log.info(
          "resuming rotation {} of {} after step {}",
          plan.rotationId(),
          plan.livePath(),
          pending.lastStep());
      return run.from(pending.lastStep(), pending.details());
    } catch (RotationFailure f) {
      return run.failed(f);
    } catch (LeaseLostException e) {
      return run.failed(new RotationFailure(FailureReason.LEASE_LOST, e.getMessage(), e));
    } catch (IOException e) {
      return run.failed(classify(e, "resuming the rotation of " + plan.livePath()));
    } finally {
      run.close();
    }
  }

  /**
   * Refuses symbolic links, non-regular files and world-writable directories. What it returns is
   * only a first look by name: {@link #openChecked} holds the file and checks it is this one.
   */
  private static FileHandle.Stat checkRotatable(RotationSpec spec)
      throws RotationFailure, IOException {
    Path live = spec.liveFile();
    FileHandle.Stat attrs;
    try {
      attrs = FileHandle.statNoFollow(live);
    } catch (NoSuchFileException e) {
      throw new RotationFailure(FailureReason.IO_ERROR, live + " does not exist", e);
    }
    if (attrs.isSymbolicLink()) {
      throw symbolicLinkRefused(live, null);
    }
    if (!attrs.isRegularFile()) {
      throw new RotationFailure(
          FailureReason.CONFIG_ERROR, "refusing to rotate " + live + ": not a regular file", null);
    }
    for (Path dir : List.of(live.getParent(), spec.naming().backupDir())) {
      if (Files.isSymbolicLink(dir)) {
        throw new RotationFailure(
            FailureReason.CONFIG_ERROR,
            "refusing to rotate " + live + ": directory " + dir + " is a symbolic link",
            null);
      }
      if (!spec.allowWorldWritable() && isWorldWritable(dir)) {
        throw new RotationFailure(
            FailureReason.CONFIG_ERROR,
            "refusing to rotate "
                + live
                + ": directory "
                + dir
                + " is world-writable, so another user could plant a file under a backup's name;"
                + " fix its permissions or set allowWorldWritable: true on this file entry",
            null);
      }
    }
    return attrs;
  }

  private static RotationFailure symbolicLinkRefused(Path live, Throwable cause) {
    return new RotationFailure(
        FailureReason.CONFIG_ERROR,
        "refusing to rotate "
            + live
            + ": it is a symbolic link; configure the path of the real file",
        cause);
  }

  /**
   * Opens the live file once, {@code O_NOFOLLOW}, and checks on the descriptor that it is a regular
   * file with one name and, when given, the device and inode {@code checked} saw. Everything the
   * rotation does to the live file then goes through this descriptor: a user who can write the
   * directory and swaps the name for a symbolic link or another file cannot redirect it.
   */
  private static FileHandle openChecked(RotationSpec spec, Optional<FileHandle.Stat> checked)
      throws RotationFailure, IOException {
    Path live = spec.liveFile();
    FileHandle handle;
    try {
      handle =
          spec.move() == RotationSpec.Move.RENAME
              ? FileHandle.openForReading(live)
              : FileHandle.openExisting(live);
    } catch (FileHandle.NotARegularFileException e) {
      if (e.symbolicLink()) {
        throw symbolicLinkRefused(live, e);
      }
      throw new RotationFailure(
          FailureReason.CONFIG_ERROR, "refusing to rotate " + live + ": not a regular file", e);
    } catch (NoSuchFileException e) {
      throw new RotationFailure(FailureReason.IO_ERROR, live + " does not exist", e);
    }
    FileHandle.Stat opened = handle.opened();
    String refusal = null;
    if (checked.isPresent() && !checked.get().identity().equals(opened.identity())) {
      refusal =
          "it was replaced between the check ("
              + checked.get().identity()
              + ") and the open ("
              + opened.identity()
              + "); someone else is changing this directory";
    } else if (opened.links() == 0) {
      refusal =
          "it was removed or replaced as it was opened; someone else is changing this directory";
    } else if (opened.links() != 1) {
      refusal =
          "it has "
              + opened.links()
              + " hard links, so another name shares its bytes; give the log a single name";
    }
    if (refusal != null) {
      handle.close();
      throw new RotationFailure(
          FailureReason.CONFIG_ERROR, "refusing to rotate " + live + ": " + refusal, null);
    }
    return handle;
  }

  private static boolean isWorldWritable(Path dir) throws IOException {
    try {
      PosixFileAttributes a =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException notPosix) {
      return false;
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

  /** One rotation in progress: the steps from wherever the journal says it stands. */
  private final class Run {
    final RotationSpec spec;
    final Trigger trigger;
    final Lease lease;
    final ProgressListener progress;
    final Instant started;
    RotationPlan plan;
    RotationJournal journal;
    long bytesBefore;
    long bytesAfter;
    String codec = "none";
    String note = "";
    FenceFile fence;
    boolean reopenerChecked;
    FileHandle live;
    AheadLock compressAhead;

    Run(RotationSpec spec, Trigger trigger, Lease lease, ProgressListener p, Instant started) {
      this.spec = spec;
      this.trigger = trigger;
      this.lease = lease;
      this.progress = p;
      this.started = started;
    }

    /**
     * Before each destructive step: the lease is still ours and the file's fence admits it. The
     * admission is held until the step is done (close it after the step).
     */
    private FenceFile.Admission guard() throws LeaseLostException, IOException {
      lease.checkValid();
      if (fence == null) {
        fence = FenceFile.of(spec.liveFile(), clock);
      }
      return fence.admit(lease);
    }

    Path backup() {
      return Path.of(plan.backupPath());
    }

    /**
     * Keeps the background compress-ahead writer away from this log's partial until the rotation
     * ends, so the partial still matches the file when the backup is compressed.
     */
    void holdCompressAhead() throws IOException {
      compressAhead = AheadLock.acquire(journalDir.getParent());
    }

    /** The live file, held since the check (or opened now when a resumed rotation moves it). */
    private FileHandle live() throws IOException, RotationFailure {
      if (live == null) {
        live = openChecked(spec, Optional.empty());
      }
      return live;
    }

    /**
     * Closes what the run holds. The journal is closed only here, after {@link #failed} could still
     * end it.
     */
    void close() {
      closeLive();
      if (compressAhead != null) {
        try {
          compressAhead.close();
        } catch (IOException e) {
          log.debug("releasing the compress-ahead lock failed: {}", e.getMessage());
        }
      }
      if (journal != null) {
        try {
          journal.close();
        } catch (IOException e) {
          log.debug(
              "closing the journal of rotation {} failed: {}", plan.rotationId(), e.getMessage());
        }
      }
    }

    private void closeLive() {
      if (live != null) {
        try {
          live.close();
        } catch (IOException e) {
          log.debug("closing {} failed: {}", spec.liveFile(), e.getMessage());
        }
        live = null;
      }
    }

    RotationOutcome from(RotationStep last, Map<String, String> details)
        throws IOException, RotationFailure, LeaseLostException {
      if (last == RotationStep.BEGIN
          || last == RotationStep.MOVING
          || last == RotationStep.COPIED) {
        if (last != RotationStep.BEGIN && !finishInterruptedMove(last)) {
          journal.complete();
          return outcome(Result.SKIPPED, null, "rolled back an interrupted rotation");
        }
        if (last == RotationStep.BEGIN) {
          try {
            move();
          } catch (MoveSkipped skipped) {
            journal.complete();
            return outcome(Result.SKIPPED, null, skipped.getMessage());
          }
        }
      }
      if (bytesBefore == 0) {
        bytesBefore = regularFileSize(backup());
      }
      if (last.ordinal() < RotationStep.REOPENED.ordinal()) {
        reopen();
      }
      if (last == RotationStep.COMPRESSING) {
        Files.deleteIfExists(Path.of(details.get("tmp")));
      }
      if (last == RotationStep.COMPRESSED) {
        Path source = Path.of(details.get("source"));
        if (Files.exists(Path.of(details.get("target")), LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(source);
          Durable.fsyncDirectory(source.getParent());
        }
      }
      compressPending();
      prune();
      return end(outcome(Result.SUCCESS, null, note.isEmpty() ? "rotated" : note));
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

    private void move() throws IOException, RotationFailure, LeaseLostException, MoveSkipped {
      FileHandle held = live();
      if (spec.move() == RotationSpec.Move.RENAME) {
        try (FenceFile.Admission step = guard()) {
          journal.record(RotationStep.MOVING);
          try {
            Durable.renameDurably(spec.liveFile(), backup());
          } catch (IOException e) {
            throw classify(e, "renaming " + spec.liveFile() + " to " + backup());
          }
          checkRenamedIsHeld(held);
          bytesBefore = held.size();
          journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(bytesBefore)));
        }
        return;
      }
      NewFileAttributes backupAttributes = newFileAttributes(); // an unknown owner fails here
      guard().close();
      journal.record(RotationStep.MOVING);
      LiveMover.Moved moved;
      FenceFile.Admission[] cut = new FenceFile.Admission[1];
      try {
        moved =
            mover.move(
                held,
                backup(),
                spec.move(),
                backupAttributes,
                copied -> {
                  try {
                    cut[0] = guard(); // held through the cut, closed below
                  } catch (LeaseLostException e) {
                    throw new LeaseLostWhileMoving(e);
                  }
                  journal.record(RotationStep.COPIED, Map.of("copied", Long.toString(copied)));
                });
      } catch (LeaseLostWhileMoving e) {
        Files.deleteIfExists(backup());
        throw e.lost;
      } catch (IOException e) {
        // The live file is cut only after COPIED; before that the backup is a disposable copy.
        if (!cutHappened()) {
          Files.deleteIfExists(backup());
        }
        throw classify(e, "copying " + spec.liveFile() + " to " + backup());
      } finally {
        if (cut[0] != null) {
          cut[0].close();
        }
      }
      moved.note().ifPresent(n -> note = n);
      if (moved.skipped()) {
        throw new MoveSkipped(moved.note().orElse("nothing to move"));
      }
      bytesBefore = moved.bytesCopied();
      journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(bytesBefore)));
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
      Durable.fsyncDirectory(spec.liveFile().getParent());
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

    /** True when the move finished before the crash (carry on), false when it was undone. */
    private boolean finishInterruptedMove(RotationStep last) throws IOException {
      Path backup = backup();
      boolean backupExists = Files.exists(backup, LinkOption.NOFOLLOW_LINKS);
      if (spec.move() == RotationSpec.Move.RENAME || "rename".equals(plan.move())) {
        if (!backupExists) {
          return false;
        }
        journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(regularFileSize(backup))));
        return true;
      }
      if (last == RotationStep.MOVING || !backupExists || !cutHappened()) {
        Files.deleteIfExists(backup);
        Durable.fsyncDirectory(backup.getParent());
        return false;
      }
      journal.record(RotationStep.MOVED, Map.of("bytes", Long.toString(regularFileSize(backup))));
      return true;
    }

    /** Whether the live file no longer starts with the backup's bytes, i.e. it was cut. */
    private boolean cutHappened() throws IOException {
      Path backup = backup();
      if (!Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      long backupSize = regularFileSize(backup);
      if (backupSize == 0) {
        return false;
      }
      if (regularFileSize(spec.liveFile()) < backupSize) {
        return true;
      }
      int n = (int) Math.min(backupSize, PREFIX_COMPARE_BYTES);
      try (InputStream a = Files.newInputStream(backup, LinkOption.NOFOLLOW_LINKS);
          InputStream b = Files.newInputStream(spec.liveFile(), LinkOption.NOFOLLOW_LINKS)) {
        return !java.util.Arrays.equals(a.readNBytes(n), b.readNBytes(n));
      }
    }

    private void reopen() throws IOException, RotationFailure {
      if (spec.move() == RotationSpec.Move.RENAME) {
        createLiveFile();
        try {
          if (!reopenerChecked && Files.exists(backup(), LinkOption.NOFOLLOW_LINKS)) {
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

    /** Compresses every uncompressed backup of this log that nobody writes to any more. */
    private void compressPending() throws IOException, RotationFailure, LeaseLostException {
      if (spec.compression().isEmpty()) {
        bytesAfter = sizeOrZero(backup());
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
            note = "compression delayed until the next rotation (compress.delay)";
            bytesAfter = b.sizeBytes();
          }
          continue;
        }
        if (!writerLetGo(b.path(), current)) {
          if (current) {
            note = "compression deferred: a process still writes to " + b.path();
            bytesAfter = sizeOrZero(b.path());
          }
          continue;
        }
        CompressionResult r = compressOne(b.path(), request, current);
        if (current) {
          codec = r.codecUsed().name().toLowerCase();
          bytesAfter = r.bytesOut();
          r.fallbackReason().ifPresent(why -> note = "fell back to gzip: " + why);
        }
      }
      if (bytesAfter == 0 && !Files.exists(backup(), LinkOption.NOFOLLOW_LINKS)) {
        // Resumed after the current backup was already compressed.
        for (Backup b : spec.naming().list()) {
          if (b.path().getFileName().toString().startsWith(backup().getFileName() + ".")) {
            bytesAfter = b.sizeBytes();
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
          Durable.renameDurably(tmp, target);
          journal.record(
              RotationStep.COMPRESSED,
              Map.of("source", source.toString(), "target", target.toString()));
          Files.delete(source);
          Durable.fsyncDirectory(source.getParent());
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
        return AheadPartial.of(spec.liveFile(), compressor)
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
        Durable.fsyncDirectory(spec.naming().backupDir());
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
      if (f.reason == FailureReason.IO_ERROR || f.reason == FailureReason.COMPRESSION_FAILED) {
        // A file that vanished under a holder whose lease is gone was most likely taken over by
        // the next holder (a paused or cut-off agent on a shared volume): say so, not "I/O error".
        Optional<String> superseded = superseded();
        if (superseded.isPresent()) {
          f =
              new RotationFailure(
                  FailureReason.LEASE_LOST, superseded.get() + "; " + f.getMessage(), f);
        }
      }
      log.warn("rotation of {} failed: {}", spec.liveFile(), f.getMessage());
      RotationOutcome o = outcome(Result.FAILED, f.reason, f.getMessage());
      // Every failure we catch leaves the files consistent at a step boundary: nothing to resume.
      return journal == null ? o : end(o);
    }

    /** Why this rotation's lease no longer stands (lost, or a higher token in the fence). */
    private Optional<String> superseded() {
      try {
        lease.checkValid();
      } catch (LeaseLostException e) {
        return Optional.of("the lease was lost (" + e.getMessage() + ")");
      }
      if (lease.fencingToken() <= 0) {
        return Optional.empty();
      }
      try {
        Optional<FenceFile.Entry> e = FenceFile.of(spec.liveFile(), clock).read();
        if (e.isPresent()
            && e.get().group().equals(lease.group())
            && e.get().token() > lease.fencingToken()) {
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

    RotationOutcome outcome(Result result, FailureReason reason, String message) {
      return new RotationOutcome(
          plan == null ? UUID.randomUUID().toString() : plan.rotationId(),
          spec.liveFile(),
          spec.group(),
          trigger,
          result,
          Optional.ofNullable(reason),
          message,
          bytesBefore,
          bytesAfter,
          codec,
          started,
          clock.instant(),
          lease.fencingToken(),
          plan == null ? Optional.empty() : Optional.of(backup()));
    }
  }

  private static long sizeOrZero(Path p) throws IOException {
    return regularFileSize(p);
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

  /** The live file was left alone (too small to collapse); the rotation is skipped. */
  private static final class MoveSkipped extends Exception {
    private static final long serialVersionUID = 1L;

    MoveSkipped(String why) {
      super(why);
    }
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
