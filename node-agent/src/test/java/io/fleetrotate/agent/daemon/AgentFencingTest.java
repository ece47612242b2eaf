package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.FenceFileTest;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.lock.LocalFleetLock;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import io.fleetrotate.testsupport.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent under a lease: fencing, the counter raise, and what it reports about the lock. */
class AgentFencingTest {

  @TempDir Path dir;

  record Seen(RotationOutcome outcome, String backend, long waitMs) {}

  private AgentConfig config(Path live) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: fencing-test, group: g }
            stateDir: %s
            lock: { backend: local }
            files:
              - path: %s
                reopen: { method: copytruncate }
            """
                .formatted(dir.resolve("state"), live));
    return ConfigLoader.load(config, Map.of());
  }

  private Path live() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    return Files.writeString(logs.resolve("server.log"), "{\"seq\":1}\n".repeat(1000));
  }

  @Test
  void aFenceAheadOfTheCounterFailsOnceThenTheCounterIsRaisedPastIt() throws Exception {
    Path live = live();
    AgentConfig c = config(live);
    // As if the lock service had lost its counter after token 1000 was used on this file.
    FenceFile.of(live, Clock.systemUTC()).check(FenceFileTest.lease("g", 1000));
    AgentMetrics metrics = new AgentMetrics();
    List<Seen> seen = new CopyOnWriteArrayList<>();
    try (LocalFleetLock lock = new LocalFleetLock(c.stateDir().resolve("locks"), 1)) {
      Agent agent =
          new Agent(c, lock, Clock.systemUTC(), metrics, (o, b, w) -> seen.add(new Seen(o, b, w)));

      RotationOutcome first = agent.rotateNow(live, Trigger.MANUAL, ProgressListener.NONE);
      assertThat(first.result()).isEqualTo(Result.FAILED);
      assertThat(first.reason()).contains(FailureReason.LEASE_LOST);
      assertThat(first.message()).contains("records token 1000");
      assertThat(Files.size(live)).isEqualTo(10_000);

      RotationOutcome second = agent.rotateNow(live, Trigger.MANUAL, ProgressListener.NONE);
      assertThat(second.succeeded()).as(second.message()).isTrue();
      assertThat(second.fencingToken()).isGreaterThan(1000);
      assertThat(FenceFile.of(live, Clock.systemUTC()).read().orElseThrow().token())
          .isEqualTo(second.fencingToken());
    }
    assertThat(seen).hasSize(2);
    assertThat(seen).allSatisfy(s -> assertThat(s.backend()).isEqualTo("local"));
    assertThat(seen).allSatisfy(s -> assertThat(s.waitMs()).isBetween(0L, 5_000L));
    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains(
            "fleetrotate_lock_wait_seconds_count{backend=\"local\",group=\"g\","
                + "outcome=\"granted\"} 2")
        .contains("fleetrotate_lock_hold_seconds_count{backend=\"local\",group=\"g\"} 2");
    Promtool.assertMetricsClean(scrape, dir);
  }
}
