package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SIGKILL around compress-ahead, with real processes: {@code agent run} builds the partial while
 * the sequence writer fills the log, then {@code rotate --now} rotates it. Wherever the kill falls,
 * the recovery run leaves a backup that the real {@code zstd -d} decodes to exactly the rotated
 * bytes, and every line is found once; {@code zstd -lv} shows whether the partial was reused (more
 * than one frame) or discarded (one frame, compressed from scratch).
 */
class CompressAheadCrashTest {
  private static final long SPAN = 16L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  enum Kill {
    /** {@code agent run} killed while it appends a frame to the partial. */
    DURING_COMPRESS_AHEAD(true),
    /** The rotation killed once COMPRESSING is journaled, before the partial is handed over. */
    BEFORE_HAND_OVER(true),
    /** Killed with the partial renamed to the temporary file and the tail half compressed. */
    DURING_HAND_OVER(false),
    /** Killed once the backup made from the partial is durable under its name. */
    AFTER_HAND_OVER(true),
    /**
     * The log was truncated (below what the partial covers); the rotation killed at COMPRESSING.
     */
    AFTER_TRUNCATION(false);

    final boolean reused;

    Kill(boolean reused) {
      this.reused = reused;
    }
  }

  @ParameterizedTest(name = "killed {0}")
  @EnumSource(Kill.class)
  void aKillAroundCompressAheadLeavesTheExactBackup(Kill kill) throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = logs.resolve("server.log");
    Path header = logs.resolve(".server.log.fleetrotate-partial.json");
    Path partial = logs.resolve(".server.log.fleetrotate-partial.zst");
    Path config =
        config(log, "none", kill == Kill.DURING_HAND_OVER ? ", maxBytesPerSecond: 4MiB" : "");
    Path agentLog = dir.resolve("agent.log");
    Path writerOut = dir.resolve("writer.out");
    // Long lines: the writer (python) is bound by lines per second, the test needs 16 MiB spans.
    Process writer = SharedTools.startWriter(log, 20_000, 3, 1500, writerOut);
    Process daemon = AgentProcess.start(agentLog, List.of(), "run", "--config", config.toString());
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(header) || !daemon.isAlive());
      assertThat(header).as("a partial was written; see " + agentLog).exists();
      if (kill == Kill.DURING_COMPRESS_AHEAD) {
        // The next frame is due: kill as soon as the partial is seen longer than its header
        // counts (a frame appended, not yet counted), or after a few seconds of looking.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Files.size(log) >= covered(header) + SPAN);
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(2))
            .failFast(() -> !daemon.isAlive())
            .ignoreExceptions()
            .until(() -> Files.size(partial) > compressedLength(header) || !writer.isAlive());
      } else {
        SharedTools.awaitWriter(writer, writerOut);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> covered(header) == Files.size(log) / SPAN * SPAN);
      }
    } finally {
      daemon.destroyForcibly();
      assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    long last = SharedTools.awaitWriter(writer, writerOut);
    assertThat(Files.size(log)).as("the log spans more than a frame").isGreaterThan(SPAN);

    if (kill == Kill.AFTER_TRUNCATION) {
      last = truncateToLine(log, covered(header) / 2);
    }
    byte[] rotated = Files.readAllBytes(log);

    if (kill == Kill.DURING_COMPRESS_AHEAD) {
      assertThat(AgentProcess.run(agentLog, "rotate", "--config", config.toString(), "--now"))
          .isZero();
    } else {
      String step = kill == Kill.AFTER_HAND_OVER ? "COMPRESSED" : "COMPRESSING";
      PausedRotation agent =
          kill == Kill.DURING_HAND_OVER
              ? PausedRotation.start(
                  agentLog, config, dir.resolve("state"), step, "-Dfleetrotate.test.pauseMillis=1")
              : PausedRotation.start(agentLog, config, dir.resolve("state"), step);
      if (kill == Kill.DURING_HAND_OVER) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(partial));
        assertThat(backups(log)).as("killed before the backup was complete").isEmpty();
      }
      agent.kill();
      assertThat(AgentProcess.run(agentLog, "rotate", "--config", config.toString())).isZero();
    }

    PausedRotation.assertNoJournalLeft(dir.resolve("state"));
    List<Path> backups = backups(log);
    assertThat(backups).as("one backup; see " + agentLog).hasSize(1);
    Path backup = backups.get(0);
    assertThat(zstd("-dcq", backup))
        .as("the backup decodes to the rotated bytes")
        .isEqualTo(rotated);
    String frames = new String(zstd("-lv", backup), StandardCharsets.UTF_8);
    if (kill.reused) {
      assertThat(frames).as("the partial was reused").doesNotContain("# Zstandard Frames: 1\n");
    } else {
      assertThat(frames).as("compressed from scratch").contains("# Zstandard Frames: 1\n");
    }
    List<Path> files = SharedTools.logAndBackups(log); // the live log is gone: no create
    assertThat(SharedTools.countLost(last, files)).as("missing, duplicated").containsExactly(0, 0);
  }

  /** The agent's configuration: {@code log} rotated by hand only, zstd 3 plus {@code compress}. */
  private Path config(Path log, String reopenMethod, String compress) throws Exception {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        """
        node: { id: ahead-crash, group: g }
        stateDir: %s
        checkInterval: 1s
        http: { enabled: false }
        lock: { backend: local }
        files:
          - path: %s
            trigger: { maxSize: 100GiB }
            retention: { keep: 100 }
            compress: { codec: zstd, level: 3%s }
            reopen: { method: %s }
        """
            .formatted(dir.resolve("state"), log, compress, reopenMethod));
  }

  private static List<Path> backups(Path log) throws Exception {
    return SharedTools.logAndBackups(log).stream()
        .filter(p -> p.getFileName().toString().endsWith(".zst"))
        .toList();
  }

  private static long covered(Path header) throws Exception {
    return JSON.readTree(header.toFile()).get("covered").asLong();
  }

  private static long compressedLength(Path header) throws Exception {
    JsonNode h = JSON.readTree(header.toFile());
    return h.get("compressedLength").asLong();
  }

  /** Cuts the log after the line that ends at or after {@code at}; returns that line's number. */
  private static long truncateToLine(Path log, long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.seek(at);
      f.readLine();
      long end = f.getFilePointer();
      byte[] head = new byte[(int) Math.min(end, 4096)];
      f.seek(end - head.length);
      f.readFully(head);
      f.setLength(end);
      String tail = new String(head, StandardCharsets.US_ASCII);
      int lastLine = tail.lastIndexOf("{\"seq\":");
      return Long.parseLong(tail.substring(lastLine + 7, tail.indexOf(',', lastLine)));
    }
  }

  private static byte[] zstd(String option, Path file) throws Exception {
    Process p = new ProcessBuilder("zstd", option, file.toString()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("zstd " + option + " " + file).isZero();
    return out;
  }

  /**
   * copytruncate and collapse with a partial write the compressed backup straight from the live
   * file, with no uncompressed copy. SIGKILL of {@code rotate --now} once the compressed prefix is
   * durable (COPIED, before the cut) or once the cut is done (MOVED), while the sequence writer
   * appends: the recovery run undoes or finishes the rotation, and every line is found once
   * (copytruncate may lose the few lines of its cut window, never duplicate one).
   */
  @ParameterizedTest(name = "{0}, killed after {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "copytruncate, COPIED",
    "copytruncate, MOVED",
    "collapse, COPIED",
    "collapse, MOVED"
  })
  void aKillDuringACopyFromThePartialLosesNoLine(String mode, String step) throws Exception {
    try (io.fleetrotate.agent.rotate.live.TestFileSystems.ScratchDir scratch =
        io.fleetrotate.agent.rotate.live.TestFileSystems.collapsing(dir)) {
      Path logs = Files.createDirectories(scratch.path().resolve("logs"));
      Path log = logs.resolve("server.log");
      Path config = config(log, mode, "");
      Path agentLog = dir.resolve("agent.log");
      Path writerOut = dir.resolve("writer.out");
      Process writer = SharedTools.startWriter(log, 20_000, 8, 1500, writerOut);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(log) && Files.size(log) > SPAN + (2 << 20));
      io.fleetrotate.agent.compress.CompressionRequest zstd =
          io.fleetrotate.agent.compress.CompressionRequest.zstd(3);
      assertThat(
              io.fleetrotate.agent.ahead.AheadPartial.of(
                      log, new io.fleetrotate.agent.compress.Compressor())
                  .advance(zstd))
          .as("a partial of the first span")
          .isTrue();

      PausedRotation agent = PausedRotation.start(agentLog, config, dir.resolve("state"), step);
      assertThat(agent.journal())
          .as("the backup is written from the partial")
          .containsPattern("\"direct\":\"[^\"]+\"");
      agent.kill();
      assertThat(AgentProcess.run(agentLog, "rotate", "--config", config.toString())).isZero();

      PausedRotation.assertNoJournalLeft(dir.resolve("state"));
      long last = SharedTools.awaitWriter(writer, writerOut);
      try (Stream<Path> left = Files.list(logs)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("no temporary file, no raw copy")
            .noneMatch(n -> n.endsWith(".tmp") || n.matches("server\\.log\\.\\d{8}-\\d{6}"));
      }
      List<Path> backups = backups(log);
      if (step.equals("COPIED")) {
        assertThat(backups).as("killed before the cut: rolled back").isEmpty();
      } else {
        assertThat(backups).as("one backup; see " + agentLog).hasSize(1);
        assertThat(new String(zstd("-lv", backups.get(0)), StandardCharsets.UTF_8))
            .as("the partial was reused")
            .doesNotContain("# Zstandard Frames: 1\n");
      }
      long[] lost = SharedTools.countLost(last, SharedTools.logAndBackups(log));
      System.out.printf(
          "[figure] %s killed after %s: %d lines, %d missing, %d duplicated%n",
          mode, step, last, lost[0], lost[1]);
      if (mode.equals("copytruncate") && !step.equals("COPIED")) {
        assertThat(lost[1]).as("duplicated").isZero();
        assertThat(lost[0]).as("missing").isLessThan(last / 100);
      } else {
        assertThat(lost).as("missing, duplicated").containsExactly(0, 0);
      }
    }
  }
}
