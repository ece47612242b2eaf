package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotation interrupted after its file was moved aside, whose file entry is gone from the
 * configuration at the next start: it is not resumed under another entry's settings (reopen,
 * compression, retention), but left as the journal has it until its own entry is back.
 */
class RecoverWithoutEntryTest {
  @TempDir Path dir;

  /** Stands in for a kill: nothing after the step runs, the journal stays where it stopped. */
  private static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aRotationWhoseEntryIsGoneIsLeftAsItsJournalHasItUntilTheEntryIsBack() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    String content = "{\"seq\":1}\n".repeat(1000);
    Path gone = Files.writeString(logs.resolve("gone.log"), content);
    Path kept = Files.writeString(logs.resolve("kept.log"), "kept\n");
    String goneEntry =
        """
          - path: %s
            compress: { codec: none }
            reopen: { method: none }
        """
            .formatted(gone);
    String keptEntry =
        """
          - path: %s
            retention: { keep: 1 }
            compress: { codec: gzip }
            reopen: { method: none }
        """
            .formatted(kept);

    try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      Agent before =
          new Agent(
              config(goneEntry + keptEntry),
              lock,
              Clock.systemUTC(),
              new AgentMetrics(),
              RotationListener.NONE,
              (step, id, journal) -> {
                if (step == RotationStep.MOVED) {
                  throw new Killed();
                }
              });
      assertThatThrownBy(() -> before.rotateNow(gone, Trigger.MANUAL, ProgressListener.NONE))
          .isInstanceOf(Killed.class);
      Path journals = dir.resolve("state/journal");
      List<Path> journalFiles = list(journals);
      assertThat(journalFiles).hasSize(1);
      Path backup = movedAside(logs);
      assertThat(backup).content().isEqualTo(content);

      // Restarted with only the other entry: nothing is done under its settings.
      Agent without =
          new Agent(
              config(keptEntry),
              lock,
              Clock.systemUTC(),
              new AgentMetrics(),
              RotationListener.NONE);
      assertThat(without.recover()).isEmpty();
      assertThat(list(journals)).isEqualTo(journalFiles);
      assertThat(movedAside(logs)).isEqualTo(backup);
      assertThat(backup).content().isEqualTo(content);
      assertThat(kept).content().isEqualTo("kept\n");

      // Its entry back: the rotation is finished under its own settings.
      Agent with =
          new Agent(
              config(goneEntry + keptEntry),
              lock,
              Clock.systemUTC(),
              new AgentMetrics(),
              RotationListener.NONE);
      assertThat(with.recover())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
                assertThat(o.liveFile()).isEqualTo(gone);
                assertThat(o.codec()).isEqualTo(Codec.NONE);
              });
      assertThat(list(journals)).isEmpty();
      assertThat(backup).content().isEqualTo(content);
    }
  }

  private AgentConfig config(String entries) throws Exception {
    String yaml =
        "node: { id: recover-test, group: g }\nstateDir: "
            + dir.resolve("state")
            + "\nhttp: { enabled: false }\nfiles:\n"
            + entries;
    return ConfigLoader.load(Files.writeString(dir.resolve("agent.yaml"), yaml), Map.of());
  }

  /** The one backup in {@code logs}: neither a live log nor a fence. */
  private static Path movedAside(Path logs) throws IOException {
    try (Stream<Path> s = Files.list(logs)) {
      List<Path> backups =
          s.filter(p -> !FenceFile.isFenceFile(p))
              .filter(p -> !p.getFileName().toString().matches("(gone|kept)\\.log"))
              .toList();
      assertThat(backups).hasSize(1);
      return backups.get(0);
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
