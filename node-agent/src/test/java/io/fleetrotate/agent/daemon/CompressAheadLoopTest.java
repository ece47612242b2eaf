package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compress-ahead loop's threads, as the kernel schedules them (read from /proc). */
class CompressAheadLoopTest {
  @TempDir Path dir;

  /**
   * The loop's own thread runs at nice 10 so the log's writer goes first; the catch-up thread,
   * which takes over when a partial falls behind, keeps the agent's priority: made by the thread
   * that started the loop, not by the niced one (a new thread starts with its creator's nice).
   */
  @Test
  void theCatchUpThreadKeepsTheAgentsPriorityWhileTheLoopsOwnIsNiced() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "x\n".repeat(1000));
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: ahead, group: g }
            stateDir: %s
            checkInterval: 1s
            http: { enabled: false }
            files:
              - path: %s
                trigger: { maxSize: 1GiB }
                compress: { codec: zstd, ahead: true }
            """
                .formatted(dir.resolve("state"), live));
    AgentConfig config = ConfigLoader.load(yaml, Map.of());
    int agent = niceOf(Path.of("/proc/thread-self/stat"));

    try (CompressAheadLoop loop = new CompressAheadLoop(config, ZoneOffset.UTC)) {
      loop.start();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(niceOfThread("fleetrotate-com").orElse(-100))
                      .as("the loop's own thread")
                      .isGreaterThanOrEqualTo(10));
      assertThat(niceOfThread("fleetrotate-ahe")).as("the catch-up thread").hasValue(agent);
    }
  }

  /** The nice value of the first of this process's threads whose name starts with {@code name}. */
  private static OptionalInt niceOfThread(String name) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String comm;
        try {
          comm = Files.readString(task.resolve("comm")).strip();
        } catch (IOException gone) {
          continue; // the thread ended while listed
        }
        if (comm.startsWith(name)) {
          return OptionalInt.of(niceOf(task.resolve("stat")));
        }
      }
    }
    return OptionalInt.empty();
  }

  /** Field 19 of a stat line, counted after the parenthesised name (which may hold spaces). */
  private static int niceOf(Path stat) throws IOException {
    String line = Files.readString(stat);
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }
}
