package io.fleetrotate.agent.daemon;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.agent.os.Durable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the agent remembers per live file across restarts: when it was last rotated (or first seen,
 * which starts the age and schedule clocks) and how the last rotation ended. One JSON file,
 * replaced atomically.
 */
final class FileStateStore {

  /**
   * @param since the last successful rotation, or when the agent first saw the file
   * @param lastRotation the last rotation attempt's end, null when never rotated
   * @param lastResult SUCCESS, FAILED or SKIPPED, null when never rotated
   * @param ownFenceToken the fencing token this agent last recorded in the file's fence, null when
   *     none: a fence holding another token was written by another holder
   */
  @JsonIgnoreProperties(ignoreUnknown = true) // a state written by a newer agent still loads
  record FileState(String since, String lastRotation, String lastResult, Long ownFenceToken) {
    Instant sinceInstant() {
      return Instant.parse(since);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Map<String, FileState> states;

  private FileStateStore(Path file, Map<String, FileState> states) {
    this.file = file;
    this.states = states;
  }

  static FileStateStore open(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    Path file = stateDir.resolve("files.json");
    Map<String, FileState> states = new TreeMap<>();
    if (Files.exists(file)) {
      try {
        states.putAll(
            JSON.readValue(file.toFile(), new TypeReference<Map<String, FileState>>() {}));
      } catch (IOException e) {
        throw new IOException(
            "the agent state "
                + file
                + " is unreadable ("
                + e.getMessage()
                + "); move it aside to start the age and schedule clocks afresh",
            e);
      }
    }
    return new FileStateStore(file, states);
  }

  /** The file's state, first seen now if the agent never saw it before. */
  synchronized FileState get(Path live, Instant now) {
    return states.computeIfAbsent(live.toString(), k -> firstSeen(now));
  }

  /**
   * The file's state; for a file the agent never saw, as if first seen now, without recording it.
   */
  synchronized FileState peek(Path live, Instant now) {
    FileState st = states.get(live.toString());
    return st != null ? st : firstSeen(now);
  }

  private static FileState firstSeen(Instant now) {
    return new FileState(now.toString(), null, null, null);
  }

  /**
   * @param fenceToken the token this rotation left in the file's fence, 0 when it left none
   */
  synchronized void recordRotation(
      Path live, Instant at, String result, boolean success, long fenceToken) throws IOException {
    FileState old = get(live, at);
    states.put(
        live.toString(),
        new FileState(
            success ? at.toString() : old.since(),
            at.toString(),
            result,
            fenceToken > 0 ? Long.valueOf(fenceToken) : old.ownFenceToken()));
    save();
  }

  /**
   * A rotation skipped at {@code at} because another holder rotated the file: the age and schedule
   * clocks count from {@code countFrom}, as if this agent had rotated it then.
   */
  synchronized void recordRotatedElsewhere(Path live, Instant at, Instant countFrom)
      throws IOException {
    FileState old = get(live, at);
    Instant since = old.sinceInstant().isAfter(countFrom) ? old.sinceInstant() : countFrom;
    states.put(
        live.toString(),
        new FileState(since.toString(), at.toString(), "SKIPPED", old.ownFenceToken()));
    save();
  }

  synchronized void saveIfNew() throws IOException {
    if (!Files.exists(file)) {
      save();
    }
  }

  synchronized void save() throws IOException {
    Durable.SYSTEM.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(states));
  }
}
