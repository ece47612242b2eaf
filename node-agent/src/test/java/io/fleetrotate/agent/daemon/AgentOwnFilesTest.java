package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.FenceFileTest;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A glob, and a rotate-now command or {@code rotate --file} naming a path, never take the agent's
 * own files for logs: fences, the journal and the state directory, hidden temporaries and partial
 * files, and names of the backup pattern, even when the log they belong to is gone.
 */
class AgentOwnFilesTest {

  @TempDir Path dir;

  private Path logs;

  private AgentConfig config(String glob, Path stateDir) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: own-files-test, group: g }
            stateDir: %s
            lock: { backend: local }
            files:
              - path: %s
                reopen: { method: copytruncate }
                compress: { codec: none }
            """
                .formatted(stateDir, glob));
    return ConfigLoader.load(config, Map.of());
  }

  private Path write(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "{\"seq\":1}\n".repeat(100));
  }

  private void populate() throws IOException {
    logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    for (String name :
        List.of(
            "app.log",
            "other.log",
            ".app.log.fence",
            ".app.log.20261121-020000.gz.1a2b3c4d.tmp",
            ".app.log.tmp",
            ".app.log.zst.partial",
            "app.log.20261121-020000",
            "app.log.20261121-020000.1.gz",
            "gone.log.20261120-020000",
            "gone.log.20261120-020000.zst",
            "0f8fad5b-d9cb-469f-a165-70867728950e.journal")) {
      write(logs.resolve(name));
    }
  }

  @Test
  void aGlobMatchesOnlyLiveLogsNeverTheAgentsOwnFiles() throws Exception {
    populate();
    Path stateDir = logs.resolve("state");
    write(stateDir.resolve("journal/0f8fad5b-d9cb-469f-a165-70867728950e.journal"));
    write(stateDir.resolve("files.json"));
    AgentConfig c = config(logs + "/**", stateDir);

    List<Path> found =
        WatchedFiles.expand(
            c.files().get(0), new AgentOwnFiles(stateDir, Clock.systemUTC().getZone()));

    assertThat(found).containsExactly(logs.resolve("app.log"), logs.resolve("other.log"));
  }

  @Test
  void aRotateNowNamingTheFenceThroughAGlobIsRefusedAndTheFenceIsUntouched() throws Exception {
    populate();
    Path live = logs.resolve("app.log");
    FenceFile.of(live, Clock.systemUTC()).check(FenceFileTest.lease("g", 7));
    Path fence = FenceFile.pathFor(live);
    String fenceBefore = Files.readString(fence);
    AgentConfig c = config(logs + "/*", dir.resolve("state"));

    try (LocalFleetLock lock = new LocalFleetLock(c.stateDir().resolve("locks"), 1)) {
      Agent agent = new Agent(c, lock, Clock.systemUTC(), new AgentMetrics(), (o, b, w) -> true);
      for (Path own :
          List.of(
              fence,
              logs.resolve("app.log.20261121-020000"),
              logs.resolve("gone.log.20261120-020000.zst"),
              logs.resolve(".app.log.tmp"))) {
        assertThatThrownBy(() -> agent.rotateNow(own, Trigger.MANUAL, ProgressListener.NONE))
            .isInstanceOf(IOException.class)
            .hasMessage(
                own
                    + " is one of the agent's own files (a fence, journal, temporary file or"
                    + " backup), which are never rotated; name a live log");
      }
      assertThat(agent.status())
          .extracting(FileReport::path)
          .containsExactly(logs.resolve("app.log"), logs.resolve("other.log"));
    }
    assertThat(Files.readString(fence)).isEqualTo(fenceBefore);
    assertThat(logs.resolve("app.log.20261121-020000")).isNotEmptyFile();
  }
}
