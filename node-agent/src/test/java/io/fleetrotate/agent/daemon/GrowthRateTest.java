package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.ConfigLoader;
import io.fleetrotate.lock.LocalFleetLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growth measured on a real file across agent instances (the daemon, then {@code status}): the
 * second process measures from the first one's sample, kept in the state directory.
 */
class GrowthRateTest {
  @TempDir Path dir;

  @Test
  void aNewProcessMeasuresGrowthFromTheSampleTheLastOneLeft() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    Path live = Files.writeString(logs.resolve("server.log"), "x".repeat(1000));
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
            node: { id: growth, group: g }
            stateDir: %s
            http: { enabled: false }
            files:
              - path: %s
                trigger: { maxSize: 1GiB }
            """
                .formatted(dir.resolve("state"), live));
    AgentConfig c = ConfigLoader.load(yaml, Map.of());
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    try (LocalFleetLock lock = new LocalFleetLock(dir.resolve("locks"), 1)) {
      Agent daemon = agentAt(c, lock, t0);
      assertThat(daemon.status())
          .singleElement()
          .extracting(FileReport::growthBytesPerSecond)
          .isEqualTo(0.0);

      Files.writeString(live, "y".repeat(1_048_576), StandardOpenOption.APPEND);
      Agent status = agentAt(c, lock, t0.plusSeconds(10));
      assertThat(status.status())
          .singleElement()
          .extracting(FileReport::growthBytesPerSecond)
          .satisfies(rate -> assertThat(rate).isCloseTo(104_857.6, within(0.1)));

      // Rotated (the file shrank): the estimate is kept, the measure restarts from the new size.
      Files.writeString(live, "");
      Agent later = agentAt(c, lock, t0.plusSeconds(20));
      assertThat(later.status().get(0).growthBytesPerSecond()).isCloseTo(104_857.6, within(0.1));
    }
  }

  private static Agent agentAt(AgentConfig c, LocalFleetLock lock, Instant t) throws Exception {
    return new Agent(
        c, lock, Clock.fixed(t, ZoneOffset.UTC), new AgentMetrics(), RotationListener.NONE);
  }
}
