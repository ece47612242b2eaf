package io.fleetrotate.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetrotate.agent.os.Durable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the last heartbeat and the last event batch went, kept for the report-age metric and in a
 * small file ({@code outbox/last-report.json}) that {@code fleetrotate agent status} reads while
 * the daemon runs. The file is informational: replaced atomically, not fsynced, and rewritten only
 * when an outcome changes or every few seconds.
 */
public final class LastReports {
  private static final Logger log = LoggerFactory.getLogger(LastReports.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REWRITE_AFTER = Duration.ofSeconds(10);
  static final String FILE = "last-report.json";

  /**
   * @param at when the attempt ended
   * @param ok whether the coordinator took it
   * @param result one short phrase: {@code ok}, {@code coordinator unreachable (...)}, ...
   */
  public record Attempt(Instant at, boolean ok, String result) {}

  /** What the file says; either part is empty until that kind of report was first attempted. */
  public record Summary(Optional<Attempt> heartbeat, Optional<Attempt> events) {}

  private final Path file;
  private final Clock clock;
  private final Instant startedAt;
  private Attempt heartbeat;
  private Attempt events;
  private Instant lastSuccess;
  private Instant writtenAt;

  LastReports(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  synchronized void heartbeat(boolean ok, String result) {
    Attempt before = heartbeat;
    heartbeat = new Attempt(clock.instant(), ok, result);
    update(before, heartbeat);
  }

  synchronized void events(boolean ok, String result) {
    Attempt before = events;
    events = new Attempt(clock.instant(), ok, result);
    update(before, events);
  }

  private void update(Attempt before, Attempt now) {
    if (now.ok()) {
      lastSuccess = now.at();
    }
    boolean changed =
        before == null || before.ok() != now.ok() || !before.result().equals(now.result());
    if (changed || writtenAt == null || !now.at().isBefore(writtenAt.plus(REWRITE_AFTER))) {
      write();
      writtenAt = now.at();
    }
  }

  /** Seconds since the coordinator last took a heartbeat or events, or since start if never. */
  synchronized double ageSeconds() {
    Instant since = lastSuccess != null ? lastSuccess : startedAt;
    return Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
  }

  synchronized Optional<Attempt> lastEvents() {
    return Optional.ofNullable(events);
  }

  private void write() {
    ObjectNode tree = JSON.createObjectNode();
    put(tree, "heartbeat", heartbeat);
    put(tree, "events", events);
    try {
      Durable.SYSTEM.replaceCache(file, JSON.writeValueAsBytes(tree));
    } catch (IOException e) {
      log.debug("cannot write {}: {}", file, e.getMessage());
    }
  }

  private static void put(ObjectNode tree, String field, Attempt a) {
    if (a != null) {
      tree.putObject(field)
          .put("at", a.at().toString())
          .put("ok", a.ok())
          .put("result", a.result());
    }
  }

  /** Reads the file the daemon keeps; empty when there is none or it is unreadable. */
  public static Optional<Summary> read(Path outboxDir) {
    try {
      JsonNode tree = JSON.readTree(Files.readAllBytes(outboxDir.resolve(FILE)));
      return Optional.of(
          new Summary(attempt(tree.path("heartbeat")), attempt(tree.path("events"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Attempt> attempt(JsonNode node) {
    if (!node.isObject()) {
      return Optional.empty();
    }
    return Optional.of(
        new Attempt(
            Instant.parse(node.path("at").asText()),
            node.path("ok").asBoolean(),
            node.path("result").asText("")));
  }
}
