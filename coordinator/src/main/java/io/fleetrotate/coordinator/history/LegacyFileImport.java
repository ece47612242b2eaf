package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the history of versions before the SQL store into it, on the first start: the JSON-lines
 * segments {@code events/YYYY-MM-DD.jsonl} and the node snapshot {@code nodes.json}.
 *
 * <p>Resumable and idempotent: events are inserted with the store's own deduplication, and a
 * segment is recorded as imported only once all its events are committed, so a crash mid-import
 * repeats at most the unfinished segment. When every segment is in, {@code events/} is renamed
 * {@code events.imported/} (and {@code nodes.json} {@code nodes.json.imported}) with a note saying
 * so; nothing is deleted. Lines that cannot be read (a torn last line) are skipped, as the old
 * store skipped them.
 */
final class LegacyFileImport {
  private static final Logger log = LoggerFactory.getLogger(LegacyFileImport.class);
  private static final String SUFFIX = ".jsonl";
  private static final int BATCH = 2_000;
  static final String NOTE = "IMPORTED.txt";

  private LegacyFileImport() {}

  static void importInto(SqlHistoryStore store, Path dir, Instant cutoff) throws IOException {
    importNodes(store, dir);
    Path eventsDir = dir.resolve("events");
    if (!Files.isDirectory(eventsDir)) {
      return;
    }
    WireCodec codec = new WireCodec();
    long total = 0;
    for (Path segment : segments(eventsDir)) {
      String name = segment.getFileName().toString();
      if (!store.imported(name)) {
        total += importSegment(store, codec, segment, cutoff);
        store.markImported(name);
      }
    }
    Path done = dir.resolve("events.imported");
    Files.move(eventsDir, done, StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(
        done.resolve(NOTE),
        "These JSON-lines segments were imported into "
            + dir.resolve("history.db")
            + " on "
            + Instant.now()
            + ".\nThe coordinator no longer reads them; they are kept for reference and may be"
            + " deleted.\n",
        StandardCharsets.UTF_8);
    log.info("imported {} events of the JSON-lines history; the old files are in {}", total, done);
  }

  private static long importSegment(
      SqlHistoryStore store, WireCodec codec, Path segment, Instant cutoff) throws IOException {
    long fresh = 0;
    int lineNo = 0;
    List<RotationEvent> batch = new ArrayList<>(BATCH);
    try (BufferedReader reader = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
      for (String line; (line = reader.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          RotationEvent e = codec.decodeEvent(line);
          if (!e.finishedAt().isBefore(cutoff)) {
            batch.add(e);
          }
        } catch (WireFormatException e) {
          log.warn("import skips unreadable line {}:{}: {}", segment, lineNo, e.getMessage());
        }
        if (batch.size() == BATCH) {
          fresh += store(store, batch);
        }
      }
    }
    return fresh + store(store, batch);
  }

  private static int store(SqlHistoryStore store, List<RotationEvent> batch) throws IOException {
    if (batch.isEmpty()) {
      return 0;
    }
    try {
      int n = store.append(batch).get().size();
      batch.clear();
      return n;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while importing the JSON-lines history");
    }
  }

  private static void importNodes(SqlHistoryStore store, Path dir) throws IOException {
    Path file = dir.resolve("nodes.json");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    }
    if (store.hasNoNodes()) {
      List<SavedNode> nodes = new ArrayList<>();
      for (String line : lines) {
        if (line.isBlank()) {
          continue;
        }
        try {
          nodes.add(SavedNodeJson.decode(line));
        } catch (IllegalArgumentException e) {
          log.warn("import skips an unreadable node in {}: {}", file, e.getMessage());
        }
      }
      store.saveNodes(nodes);
      log.info("imported {} node states from {}", nodes.size(), file);
    }
    Files.move(file, dir.resolve("nodes.json.imported"), StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<Path> segments(Path eventsDir) throws IOException {
    try (Stream<Path> files = Files.list(eventsDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }
}
