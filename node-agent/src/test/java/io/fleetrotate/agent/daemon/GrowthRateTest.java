package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.lock.LocalFleetLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growth measured on a real file across agent instances (the daemon, then {@code status}): the
 * daemon's checks record samples in the state directory, {@code status} only reads them.
 */
class GrowthRateTest {
  @TempDir Path dir;

  private Path live;
  private AgentConfig config;

  @BeforeEach
  void watchOneLog() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    live = Files.writeString(logs.resolve("server.log"), "x".repeat(1000));
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: growth, group: g }
            stateDir: %s
            checkInterval: 1s
            http: { enabled: false }
            files:
              - path: %s
                trigger: { maxSize: 1GiB }
            """
                .formatted(dir.resolve("state"), live));
    config = ConfigLoader.load(yaml, Map.of());
  }

  @Test
  void statusEstimatesFromTheDaemonsLastSampleAndADaemonRecordsTheNext() throws Exception {
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      assertThat(agentAt(lock, t0).sampleGrowth())
          .singleElement()
          .extracting(FileReport::growthBytesPerSecond)
          .isEqualTo(0.0);

      Files.writeString(live, "y".repeat(1_048_576), StandardOpenOption.APPEND);
      assertThat(agentAt(lock, t0.plusSeconds(10)).status())
          .singleElement()
          .extracting(FileReport::growthBytesPerSecond)
          .satisfies(rate -> assertThat(rate).isCloseTo(104_857.6, within(0.1)));
      // A restarted daemon measures from the sample the last one left.
      agentAt(lock, t0.plusSeconds(10)).sampleGrowth();

      // Rotated (the file shrank): the estimate is kept, the measure restarts from the new size.
      Files.writeString(live, "");
      assertThat(agentAt(lock, t0.plusSeconds(20)).status().get(0).growthBytesPerSecond())
          .isCloseTo(104_857.6, within(0.1));
    }
  }

  @Test
  void statusChangesNothingOnDisk() throws Exception {
    Path state = dir.resolve("state");
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      agentAt(lock, t0).sampleGrowth();
      Map<Path, Snapshot> before = Snapshot.of(state);
      assertThat(before).containsKeys(state.resolve(GrowthRate.FILE), state.resolve("growth.json"));

      Files.writeString(live, "y".repeat(100_000), StandardOpenOption.APPEND);
      Agent status = agentAt(lock, t0.plus(Duration.ofHours(2)));
      FileReport first = status.status().get(0);
      FileReport second = status.status().get(0);

      assertThat(second).isEqualTo(first);
      assertThat(first.growthBytesPerSecond()).isPositive();
      assertThat(Snapshot.of(state)).isEqualTo(before);
    }
  }

  @Test
  void theDaemonsChecksStillRecordGrowth() throws Exception {
    Path rates = dir.resolve("state").resolve(GrowthRate.FILE);
    Path record = dir.resolve("state").resolve("growth.json");
    try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      Agent agent =
          new Agent(config, lock, Clock.systemUTC(), new AgentMetrics(), RotationListener.NONE);
      try (AgentDaemon daemon = new AgentDaemon(agent, AgentDaemon.Companion.NONE)) {
        daemon.start();
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  assertThat(rates).content().contains(live.toString());
                  assertThat(record).content().contains(live.toString());
                });
        Files.writeString(live, "y".repeat(1_048_576), StandardOpenOption.APPEND);
        // A later check samples the grown file: its rate is recorded as above zero.
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(
                            new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(rates.toFile())
                                .path(live.toString())
                                .path("rate")
                                .asDouble())
                        .isPositive());
      }
    }
  }

  /** A file's bytes and modification time, to show that nothing rewrote it. */
  private record Snapshot(String bytes, FileTime modified) {
    static Map<Path, Snapshot> of(Path dir) throws IOException {
      Map<Path, Snapshot> all = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          all.put(p, new Snapshot(Files.readString(p), Files.getLastModifiedTime(p)));
        }
      }
      return all;
    }
  }

  private Agent agentAt(LocalFleetLock lock, Instant t) throws Exception {
    return new Agent(
        config, lock, Clock.fixed(t, ZoneOffset.UTC), new AgentMetrics(), RotationListener.NONE);
  }
}
