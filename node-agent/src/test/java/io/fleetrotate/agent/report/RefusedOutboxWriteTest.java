package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.daemon.Agent;
import io.fleetrotate.agent.daemon.AgentMetrics;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.testsupport.SmallTmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outbox on a real full filesystem (a small tmpfs): the rotation's event stays in its journal
 * while the disk refuses it, each check tries again, and once there is room it is written once and
 * the journal goes.
 */
class RefusedOutboxWriteTest {
  @TempDir Path dir;

  private static List<Path> journals(Path journalDir) throws IOException {
    try (Stream<Path> files = Files.list(journalDir)) {
      return files.filter(f -> f.toString().endsWith(".journal")).toList();
    }
  }

  @Test
  void aRefusedEventStaysInTheJournalAndIsWrittenOnceTheDiskTakesIt() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(2_000));
    Path state = dir.resolve("state");
    Path outboxDir = Files.createDirectories(Reporter.outboxDir(state));
    try (SmallTmpfs small = SmallTmpfs.mount(outboxDir, "64k")) {
      fullOutbox(live, state, small);
    }
  }

  private void fullOutbox(Path live, Path state, SmallTmpfs disk) throws Exception {
    Path outboxDir = disk.path();
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: full-outbox, group: g }
            stateDir: %s
            http: { enabled: false }
            files:
              - path: %s
                trigger: { maxSize: 1KiB }
                reopen: { method: copytruncate }
            """
                .formatted(state, live));
    AgentConfig c = ConfigLoader.load(yaml, Map.of());
    WireCodec codec = new WireCodec();
    try (Outbox outbox = Outbox.open(outboxDir, codec, 100_000);
        LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      Path filler = disk.fill("filler");
      Agent agent =
          new Agent(
              c,
              lock,
              Clock.systemUTC(),
              new AgentMetrics(),
              new OutboxRecorder(outbox, "full-outbox", () -> {}));

      List<RotationOutcome> done = agent.checkOnce();
      assertThat(done)
          .singleElement()
          .extracting(RotationOutcome::result)
          .isEqualTo(Result.SUCCESS);
      UUID id = UUID.fromString(done.get(0).rotationId());
      assertThat(Outbox.depth(outboxDir).pending()).as("the full disk took nothing").isZero();
      assertThat(journals(state.resolve("journal"))).as("the journal keeps the event").hasSize(1);

      agent.checkOnce(); // still full: tried again, still kept
      assertThat(journals(state.resolve("journal"))).hasSize(1);

      Files.delete(filler);
      agent.checkOnce();
      assertThat(outbox.peek(10)).extracting(e -> e.event().eventId()).containsExactly(id);
      assertThat(journals(state.resolve("journal"))).isEmpty();
      agent.checkOnce();
      assertThat(outbox.peek(10)).as("written once").hasSize(1);
    }
  }
}
