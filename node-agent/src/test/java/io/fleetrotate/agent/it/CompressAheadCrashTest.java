package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.agent.rotate.live.TestFileSystems;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

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
    Path header = partialFile(logs, ".json");
    Path partial = partialFile(logs, ".zst");
    Path config =
        config(
            log,
            "100GiB",
            kill == Kill.DURING_HAND_OVER ? ", maxBytesPerSecond: 4MiB" : "",
            "{ method: none }");
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

  /** Where {@code agent run} is killed while the writer goes on writing. */
  enum LiveKill {
    /** The background writer mid-frame: a torn frame past what the header counts, if seen. */
    DURING_COMPRESS_AHEAD,
    /**
     * A size-triggered rotation with the partial renamed into its backup and the tail half done.
     */
    DURING_HAND_OVER
  }

  static Stream<Arguments> liveKills() {
    return Stream.of("signal", "collapse")
        .flatMap(mode -> Stream.of(LiveKill.values()).map(kill -> Arguments.of(mode, kill)));
  }

  /**
   * The agent as it runs in production: {@code agent run} compresses ahead in 64 KiB frames and
   * rotates by size while the sequence writer keeps writing (reopened by SIGHUP, or never reopened
   * with collapse). It is SIGKILLed once, started again, and runs until the writer is done: the
   * backups decoded in order, then the live log, are exactly the bytes the writer wrote, so no line
   * is lost or duplicated and each backup decodes to exactly the bytes it rotated.
   */
  @ParameterizedTest(name = "{0}, killed {1}")
  @MethodSource("liveKills")
  void aKillOfTheDaemonUnderALiveWriterLosesNoLine(String mode, LiveKill kill) throws Exception {
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      killDaemonUnderLoad(mode, kill, Files.createDirectories(scratch.path().resolve("logs")));
    }
  }

  private void killDaemonUnderLoad(String mode, LiveKill kill, Path logs) throws Exception {
    Path log = logs.resolve("server.log");
    Path partial = partialFile(logs, ".zst");
    Path header = partialFile(logs, ".json");
    Path pidFile = dir.resolve("writer.pid");
    // 512 KiB/s keeps the background writer busy (the writer makes about 300 KB/s) and a
    // rotation's tail compression long enough to be caught.
    Path config =
        config(
            log,
            "1MiB",
            ", aheadFrame: 64KiB, maxBytesPerSecond: 512KiB",
            mode.equals("signal")
                ? "{ method: signal, signal: HUP, pidFile: " + pidFile + " }"
                : "{ method: collapse }");
    Path writerOut = dir.resolve("writer.out");
    Process writer = SharedTools.startWriter(log, 2000, 12, PAD, writerOut);
    Files.writeString(pidFile, Long.toString(writer.pid()));
    Path agentLog = dir.resolve("agent.log");
    // With signal the partial is handed over after COMPRESSING, while the tail is compressed (the
    // kill falls in that work); collapse claims it in MOVING and has compressed the tail onto it by
    // COPIED, where the kill falls before the live file is cut.
    boolean signal = mode.equals("signal");
    String handOver = signal ? "COMPRESSING" : "COPIED";
    Path marker = dir.resolve("state/journal/paused-after-" + handOver);
    List<String> hooks =
        kill != LiveKill.DURING_HAND_OVER
            ? List.of()
            : signal
                ? List.of(
                    "-Dfleetrotate.test.pauseAfter=COMPRESSING", "-Dfleetrotate.test.pauseMillis=1")
                : List.of("-Dfleetrotate.test.pauseAfter=COPIED");
    Process daemon = AgentProcess.start(agentLog, hooks, "run", "--config", config.toString());
    try {
      if (kill == LiveKill.DURING_COMPRESS_AHEAD) {
        await()
            .atMost(Duration.ofSeconds(30))
            .failFast(() -> !daemon.isAlive())
            .until(() -> Files.exists(header));
        await()
            .atMost(Duration.ofSeconds(3))
            .pollInterval(Duration.ofMillis(2))
            .failFast(() -> !daemon.isAlive())
            .ignoreExceptions()
            .until(() -> Files.size(partial) > compressedLength(header));
      } else {
        await()
            .atMost(Duration.ofSeconds(30))
            .failFast(() -> !daemon.isAlive())
            .until(() -> Files.exists(marker));
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(2))
            .until(() -> !Files.exists(partial));
        assertThat(backups(log)).as("killed before the backup was complete").isEmpty();
      }
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      if (kill == LiveKill.DURING_HAND_OVER || !Files.exists(header)) {
        throw e;
      }
      // No torn frame seen within 3 s: the kill falls wherever the background writer is.
    } finally {
      daemon.destroyForcibly();
      assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    Files.deleteIfExists(marker);

    // The restarted agent finishes at least one rotation: the one the kill interrupted, or the
    // first
    // it starts. How many more the writer's 12 s allow depends on the machine's load (a loaded one
    // left room for one only: the tail is rate-limited), and the checks below hold for any number.
    int beforeRestart = backups(log).size();
    Process again = AgentProcess.start(agentLog, List.of(), "run", "--config", config.toString());
    try {
      long last = SharedTools.awaitWriter(writer, writerOut);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .failFast(() -> !again.isAlive())
            .until(() -> journals().isEmpty() && backups(log).size() > beforeRestart);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        List<String> lines = Files.readAllLines(agentLog);
        throw new AssertionError(
            "the restarted agent did not finish a rotation; journals "
                + journals()
                + ", backups "
                + backups(log)
                + ", the agent's last lines:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())),
            e);
      }
      await().pollDelay(Duration.ofSeconds(2)).until(() -> journals().isEmpty());
      again.destroy(); // SIGTERM: between rotations, a clean stop
      assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(journals()).as("no rotation left unfinished; see " + agentLog).isEmpty();

      List<String> decoded = new ArrayList<>();
      boolean reused = false;
      for (Path b : backups(log)) {
        decoded.add(withoutBlankLines(zstd("-dcq", b)));
        reused |= !new String(zstd("-lv", b), StandardCharsets.UTF_8).contains("Frames: 1\n");
      }
      decoded.sort(Comparator.comparingLong(CompressAheadCrashTest::firstSeq));
      String all = String.join("", decoded) + withoutBlankLines(Files.readAllBytes(log));
      assertThat(all)
          .as("the backups in order, then the live log, hold exactly what the writer wrote")
          .isEqualTo(written(last));
      List<Path> files = SharedTools.logAndBackups(log);
      assertThat(SharedTools.countLost(last, files))
          .as("missing, duplicated across " + files)
          .containsExactly(0, 0);
      if (kill == LiveKill.DURING_COMPRESS_AHEAD) {
        assertThat(reused).as("a backup was made from the partial; see " + agentLog).isTrue();
      }
    } finally {
      again.destroyForcibly();
      writer.destroyForcibly();
    }
  }

  /** This agent's partial file of {@code logs/server.log} with the given extension. */
  private Path partialFile(Path logs, String extension) {
    return logs.resolve(
        ".server.log.fleetrotate-partial-"
            + io.fleetrotate.agent.ahead.AheadPartial.agentTag(dir.resolve("state"))
            + extension);
  }

  private static final int PAD = 120;

  /** What seq-writer.py writes for lines 1..last, byte for byte. */
  private static String written(long last) {
    String pad = "x".repeat(PAD);
    StringBuilder s = new StringBuilder();
    for (long seq = 1; seq <= last; seq++) {
      s.append("{\"seq\":").append(seq).append(",\"msg\":\"").append(pad).append("\"}\n");
    }
    return s.toString();
  }

  private static long firstSeq(String lines) {
    return lines.startsWith("{\"seq\":")
        ? Long.parseLong(lines.substring(7, lines.indexOf(',')))
        : Long.MAX_VALUE;
  }

  /**
   * The text without lines of spaces only: collapse moves the rest of the line its block-aligned
   * cut falls in into the backup and blanks it at the head of the live file (see LiveFileMover).
   * The writer never writes such a line.
   */
  /**
   * The text without the blank line a collapse leaves at the head of the live file: the rest of the
   * cut line overwritten with spaces, or only its newline when the cut fell just before it.
   */
  private static String withoutBlankLines(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII).replaceAll("(?m)^ *\n", "");
  }

  private List<Path> journals() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("state/journal"))) {
      return s.filter(p -> p.toString().endsWith(".journal")).toList();
    }
  }

  /** The agent's configuration: one log, rotated at {@code maxSize}, zstd 3 plus {@code more}. */
  private Path config(Path log, String maxSize, String more, String reopen) throws IOException {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        node: { id: ahead-crash, group: g }
        stateDir: %s
        checkInterval: 1s
        http: { enabled: false }
        lock: { backend: local }
        files:
          - path: %s
            trigger: { maxSize: %s }
            retention: { keep: 100 }
            compress: { codec: zstd, level: 3%s }
            reopen: %s
        """
            .formatted(dir.resolve("state"), log, maxSize, more, reopen));
    return config;
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
      Path config = config(log, "100GiB", "", "{ method: " + mode + " }");
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
                      log, dir.resolve("state"), new io.fleetrotate.agent.compress.Compressor())
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
