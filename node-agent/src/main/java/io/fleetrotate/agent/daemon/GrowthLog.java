package io.fleetrotate.agent.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.config.advice.GrowthRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each watched file's hourly growth, two weeks at most, kept in {@code stateDir/growth.json} for
 * {@code agent advise}. Written every few minutes, replaced atomically; not fsynced, since losing
 * the last minutes of a growth record costs nothing but a little history.
 */
final class GrowthLog {
  private static final Logger log = LoggerFactory.getLogger(GrowthLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SAVE_EVERY = Duration.ofMinutes(5);

  private final Path file;
  private final Map<Path, GrowthRecord> records = new ConcurrentHashMap<>();
  private Instant savedAt = Instant.MIN;

  private GrowthLog(Path file) {
    this.file = file;
  }

  /** Reads the record; an unreadable one is started afresh, with a WARN. */
  static GrowthLog open(Path stateDir) {
    GrowthLog g = new GrowthLog(stateDir.resolve("growth.json"));
    try {
      Map<String, String> saved =
          JSON.readValue(Files.readAllBytes(g.file), new TypeReference<Map<String, String>>() {});
      saved.forEach(
          (path, line) ->
              g.records.put(
                  Path.of(path), GrowthRecord.decode(line, GrowthRecord.DEFAULT_CAPACITY)));
    } catch (NoSuchFileException e) {
      // A new state directory.
    } catch (IOException | IllegalArgumentException e) {
      log.warn("ignoring the unreadable growth record {}: {}", g.file, e.getMessage());
      g.records.clear();
    }
    return g;
  }

  void observe(Path path, long sizeBytes, Instant at) {
    records.computeIfAbsent(path, k -> new GrowthRecord()).observe(sizeBytes, at);
  }

  Optional<GrowthRecord.Samples> samples(Path path) {
    GrowthRecord r = records.get(path);
    return r == null ? Optional.empty() : r.samples();
  }

  /** Writes the record if the last write is older than a few minutes (or {@code force}). */
  synchronized void save(Instant now, boolean force) {
    if (!force && Duration.between(savedAt, now).compareTo(SAVE_EVERY) < 0) {
      return;
    }
    Map<String, String> out = new TreeMap<>();
    records.forEach((path, r) -> out.put(path.toString(), r.encode()));
    try {
      Durable.SYSTEM.replaceCache(file, JSON.writeValueAsBytes(out));
      savedAt = now;
    } catch (IOException e) {
      log.warn("cannot save the growth record {}: {}", file, e.getMessage());
    }
  }
}
