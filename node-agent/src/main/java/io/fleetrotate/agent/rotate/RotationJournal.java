package io.fleetrotate.agent.rotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The write-ahead journal of one rotation: one JSON line per step, each fsynced before the step it
 * announces (or after the step it confirms) runs. After a crash, {@link #pending} tells the engine
 * where every unfinished rotation stopped, so it can finish or undo it.
 */
final class RotationJournal implements AutoCloseable {

  /** The steps of a rotation, in order. */
  enum Step {
    /** The plan is written; nothing has been touched yet. */
    BEGIN,
    /** About to move the live file aside (rename, copy+truncate or copy+collapse). */
    MOVING,
    /** Copy methods only: the backup holds a durable copy; the live file is about to be cut. */
    COPIED,
    /** The backup holds the moved bytes durably; the live file was renamed or cut. */
    MOVED,
    /** The server was told to reopen its log. */
    REOPENED,
    /** About to compress the backup into a temporary file. */
    COMPRESSING,
    /** The compressed backup is durable under its final name. */
    COMPRESSED,
    /** The uncompressed backup is gone. */
    BACKUP_DELETED,
    /** Retention is applied; the rotation is over. */
    DONE
  }

  /** A rotation found in the journal directory, with everything its records said. */
  record Pending(Path file, RotationPlan plan, Step lastStep, Map<String, String> details) {}

  static final String SUFFIX = ".journal";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Test hook: after recording this step the process stops, so a test can kill it there. */
  static final String PAUSE_AFTER_PROPERTY = "fleetrotate.test.pauseAfter";

  /** With {@link #PAUSE_AFTER_PROPERTY}: pause that many milliseconds, then go on. */
  static final String PAUSE_MILLIS_PROPERTY = "fleetrotate.test.pauseMillis";

  private final Path file;
  private final FileChannel channel;
  private final Clock clock;
  private final RotationPlan plan;

  private RotationJournal(Path file, FileChannel channel, Clock clock, RotationPlan plan) {
    this.file = file;
    this.channel = channel;
    this.clock = clock;
    this.plan = plan;
  }

  /** Creates the journal of a new rotation and durably records its plan. */
  static RotationJournal begin(Path dir, RotationPlan plan, Clock clock) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(plan.rotationId() + SUFFIX);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Durable.fsyncDirectory(dir);
    RotationJournal journal = new RotationJournal(file, channel, clock, plan);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("plan", JSON.writeValueAsString(plan));
    journal.record(Step.BEGIN, fields);
    return journal;
  }

  /** Continues the journal of a rotation found by {@link #pending}. */
  static RotationJournal resume(Pending pending, Clock clock) throws IOException {
    FileChannel channel = FileChannel.open(pending.file(), StandardOpenOption.APPEND);
    return new RotationJournal(pending.file(), channel, clock, pending.plan());
  }

  RotationPlan plan() {
    return plan;
  }

  void record(Step step) throws IOException {
    record(step, Map.of());
  }

  /** Appends one record and fsyncs it before returning. */
  void record(Step step, Map<String, String> details) throws IOException {
    Map<String, String> line = new LinkedHashMap<>();
    line.put("step", step.name());
    line.put("at", clock.instant().toString());
    line.putAll(details);
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    channel.force(false);
    pauseHereIfAsked(step);
  }

  private void pauseHereIfAsked(Step step) throws IOException {
    if (!step.name().equals(System.getProperty(PAUSE_AFTER_PROPERTY))) {
      return;
    }
    Files.writeString(file.resolveSibling("paused-after-" + step.name()), plan.rotationId());
    Long millis = Long.getLong(PAUSE_MILLIS_PROPERTY);
    if (millis == null) {
      while (true) {
        LockSupport.park(this);
      }
    }
    // A pause that ends: for tests that stop the holder here and then let it go on.
    long until = System.nanoTime() + millis * 1_000_000;
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(this, left);
    }
  }

  /** The rotation is over: its journal goes away. */
  void complete() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
    Durable.fsyncDirectory(file.getParent());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Every unfinished rotation in {@code dir}, in the order they began. */
  static List<Pending> pending(Path dir) throws IOException {
    List<Pending> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        read(f).ifPresent(found::add);
      }
    }
    found.sort((a, b) -> a.plan().startedAt().compareTo(b.plan().startedAt()));
    return found;
  }

  private static java.util.Optional<Pending> read(Path f) throws IOException {
    RotationPlan plan = null;
    Step last = null;
    Map<String, String> details = new LinkedHashMap<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      Map<String, String> fields;
      try {
        fields = JSON.readValue(line, STRING_MAP);
      } catch (JsonProcessingException torn) {
        // A crash mid-append leaves a torn last line; the step it announced never ran.
        break;
      }
      Step step = Step.valueOf(fields.get("step"));
      if (step == Step.BEGIN) {
        plan = JSON.readValue(fields.get("plan"), RotationPlan.class);
      } else {
        details.putAll(fields);
      }
      last = step;
    }
    if (plan == null) {
      // The plan never became durable, so nothing was touched.
      Files.deleteIfExists(f);
      return java.util.Optional.empty();
    }
    details.remove("step");
    details.remove("at");
    return java.util.Optional.of(new Pending(f, plan, last, details));
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>
      STRING_MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {};
}
