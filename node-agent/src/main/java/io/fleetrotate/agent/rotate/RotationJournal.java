package io.fleetrotate.agent.rotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.agent.os.Durable;
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

/**
 * The write-ahead journal of one rotation: one JSON line per step, each fsynced before the step it
 * announces (or after the step it confirms) runs. After a crash, {@link #pending} tells the engine
 * where every unfinished rotation stopped, so it can finish or undo it.
 *
 * <p>A rotation's last record ({@link RotationStep#DONE}) carries its outcome, success or failure,
 * and the journal stays until that outcome's event is kept elsewhere ({@link #discard}): a kill
 * between the end of the rotation and the write of its event leaves the event here, to be handed
 * over at the next start.
 */
final class RotationJournal implements AutoCloseable {

  /** A rotation found in the journal directory, with everything its records said. */
  record Pending(
      Path file, RotationPlan plan, RotationStep lastStep, Map<String, String> details) {}

  static final String SUFFIX = ".journal";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;
  private final Clock clock;
  private final RotationPlan plan;
  private final StepListener steps;

  private RotationJournal(
      Path file, FileChannel channel, Clock clock, RotationPlan plan, StepListener steps) {
    this.file = file;
    this.channel = channel;
    this.clock = clock;
    this.plan = plan;
    this.steps = steps;
  }

  /** Creates the journal of a new rotation and durably records its plan. */
  static RotationJournal begin(Path dir, RotationPlan plan, Clock clock) throws IOException {
    return begin(dir, plan, clock, StepListener.NONE);
  }

  /** As {@link #begin(Path, RotationPlan, Clock)}, telling {@code steps} of each durable record. */
  static RotationJournal begin(Path dir, RotationPlan plan, Clock clock, StepListener steps)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(plan.rotationId() + SUFFIX);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Durable.SYSTEM.fsyncDirectory(dir);
    RotationJournal journal = new RotationJournal(file, channel, clock, plan, steps);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("plan", JSON.writeValueAsString(plan));
    journal.record(RotationStep.BEGIN, fields);
    return journal;
  }

  /** Continues the journal of a rotation found by {@link #pending}. */
  static RotationJournal resume(Pending pending, Clock clock) throws IOException {
    return resume(pending, clock, StepListener.NONE);
  }

  /** As {@link #resume(Pending, Clock)}, telling {@code steps} of each durable record. */
  static RotationJournal resume(Pending pending, Clock clock, StepListener steps)
      throws IOException {
    FileChannel channel = FileChannel.open(pending.file(), StandardOpenOption.APPEND);
    return new RotationJournal(pending.file(), channel, clock, pending.plan(), steps);
  }

  RotationPlan plan() {
    return plan;
  }

  void record(RotationStep step) throws IOException {
    record(step, Map.of());
  }

  /** Appends one record and fsyncs it before returning. */
  void record(RotationStep step, Map<String, String> details) throws IOException {
    Map<String, String> line = new LinkedHashMap<>();
    line.put("step", step.name());
    line.put("at", clock.instant().toString());
    line.putAll(details);
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    Durable.SYSTEM.fsync(file, () -> channel.force(false));
    steps.afterStep(step, plan.rotationId(), file);
  }

  /** The rotation is over: its journal goes away. */
  void complete() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
    Durable.SYSTEM.fsyncDirectory(file.getParent());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /**
   * Removes the journal of a finished rotation whose event is now kept elsewhere; nothing when it
   * is already gone.
   */
  static void discard(Path dir, String rotationId) throws IOException {
    if (Files.deleteIfExists(dir.resolve(rotationId + SUFFIX))) {
      Durable.SYSTEM.fsyncDirectory(dir);
    }
  }

  /** Every unfinished rotation in {@code dir}, in the order they began. */
  static List<Pending> pending(Path dir) throws IOException {
    return scan(dir, true);
  }

  /**
   * The rotations in {@code dir} that ended ({@link RotationStep#DONE}) and whose event is not yet
   * kept. Only reads: another process may be writing the other journals.
   */
  static List<Pending> finished(Path dir) throws IOException {
    return scan(dir, false).stream().filter(p -> p.lastStep() == RotationStep.DONE).toList();
  }

  /**
   * @param clean delete a journal whose plan never became durable (only at start, when no other
   *     rotation can be writing it)
   */
  private static List<Pending> scan(Path dir, boolean clean) throws IOException {
    List<Pending> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        try {
          read(f, clean).ifPresent(found::add);
        } catch (java.nio.file.NoSuchFileException gone) {
          // Completed by its writer since it was listed.
        }
      }
    }
    found.sort((a, b) -> a.plan().startedAt().compareTo(b.plan().startedAt()));
    return found;
  }

  private static java.util.Optional<Pending> read(Path f, boolean clean) throws IOException {
    RotationPlan plan = null;
    RotationStep last = null;
    Map<String, String> details = new LinkedHashMap<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      Map<String, String> fields;
      try {
        fields = JSON.readValue(line, STRING_MAP);
      } catch (JsonProcessingException torn) {
        // A crash mid-append leaves a torn last line; the step it announced never ran.
        break;
      }
      RotationStep step = RotationStep.valueOf(fields.get("step"));
      if (step == RotationStep.BEGIN) {
        plan = JSON.readValue(fields.get("plan"), RotationPlan.class);
      } else {
        details.putAll(fields);
      }
      last = step;
    }
    if (plan == null) {
      if (clean) {
        // The plan never became durable, so nothing was touched.
        Files.deleteIfExists(f);
      }
      return java.util.Optional.empty();
    }
    details.remove("step");
    details.remove("at");
    return java.util.Optional.of(new Pending(f, plan, last, details));
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>
      STRING_MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {};
}
