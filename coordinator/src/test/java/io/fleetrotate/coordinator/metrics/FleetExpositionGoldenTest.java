package io.fleetrotate.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.RotationCount;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.LockState;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Pins, byte for byte, the series the coordinator renders from its fleet state (every family from
 * {@code fleetrotate_nodes} on; Micrometer's meters before them are left out) for a fixed fleet
 * with rotation counts: three scrapes of one fleet while heartbeats, events and the clock move
 * between them, so label sets reused from one scrape to the next are checked too. The golden file
 * was rendered by 4450906's code, before the per-node rotation part of the render was made cheaper.
 * On a mismatch the text rendered is written to {@code target/fleet-exposition.actual.txt}.
 */
class FleetExpositionGoldenTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final String GOLDEN = "/metrics/fleet-exposition.golden.txt";
  static final String[] GROUPS = {"g-a", "g-b", "mcp \"quoted\" group"};
  static final String[] PATHS = {
    "/var/log/app/server.log", "/var/log/app/errors.log", "/var/log/odd \"path\"\\x.log"
  };

  MutableClock clock = new MutableClock(T0);
  FleetState fleet =
      new FleetState(clock, new FleetState.NodeLimits(3, 10, 1_000_000, Integer.MAX_VALUE));
  CoordinatorMetrics metrics = new CoordinatorMetrics(fleet);
  Random random = new Random(15);

  @Test
  void fleetSeriesWithRotationCountsRenderAsTheyDidBefore() throws IOException {
    StringBuilder all = new StringBuilder();

    for (int i = 0; i < 12; i++) {
      fleet.heartbeat(heartbeat(i, GROUPS[i % 3], i % 4 == 0 ? 2 : 1, i % 5));
    }
    fleet.restoreCount("node-03", new RotationCount("g-a", Result.SUCCESS, null, 41));
    fleet.restoreCount(
        "node-03", new RotationCount("g-a", Result.FAILED, FailureReason.DISK_FULL, 2));
    fleet.restoreSuccesses("node-03", T0.minus(Duration.ofMinutes(25)), 7, 1);
    fleet.restoreSuccesses(null, T0.minus(Duration.ofHours(5)), 30, 4);
    fleet.restoreSuccesses(null, T0.minus(Duration.ofMinutes(10)), 9, 0);
    events(200, 12, 3);
    all.append(fleetPart());

    clock.advance(Duration.ofMinutes(20));
    // node-01 moves to another group and reports other files; node-02's lock service goes away.
    fleet.heartbeat(heartbeat(1, "g-moved", 1, 2));
    fleet.heartbeat(heartbeat(2, GROUPS[2], 1, 2));
    fleet.heartbeat(heartbeat(12, "g-b", 1, 0));
    events(120, 14, 4);
    all.append(fleetPart());

    clock.advance(Duration.ofMinutes(50));
    events(40, 14, 4);
    all.append(fleetPart());

    String expected;
    try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
      expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!expected.contentEquals(all)) {
      Path actual = Path.of("target", "fleet-exposition.actual.txt");
      Files.writeString(actual, all);
      System.out.println("rendered text written to " + actual.toAbsolutePath());
    }
    assertThat(expected).as("golden file %s", GOLDEN).isNotEmpty();
    assertThat(all.toString()).isEqualTo(expected);
  }

  /** The families rendered from the fleet state, without Micrometer's. */
  private String fleetPart() {
    String text = metrics.scrape();
    int from = text.indexOf("# HELP fleetrotate_nodes ");
    assertThat(from).isNotNegative();
    return "# scrape at " + clock.instant() + "\n" + text.substring(from);
  }

  /**
   * {@code count} events of nodes 0 to {@code nodes - 1} and {@code ghosts} nodes known only from
   * their events, finished from a day and a half ago to ten minutes ahead of the clock (an agent's
   * clock ahead), with every result and several failure reasons and groups.
   */
  private void events(int count, int nodes, int ghosts) {
    Duration[] ages = {
      Duration.ofDays(40),
      Duration.ofHours(36),
      Duration.ofHours(23),
      Duration.ofMinutes(90),
      Duration.ofMinutes(61),
      Duration.ofMinutes(59),
      Duration.ofMinutes(31),
      Duration.ofMinutes(5),
      Duration.ZERO,
      Duration.ofMinutes(-10)
    };
    FailureReason[] reasons = {
      FailureReason.IO_ERROR, FailureReason.DISK_FULL, FailureReason.LOCK_TIMEOUT
    };
    for (int k = 0; k < count; k++) {
      int n = random.nextInt(nodes + ghosts);
      String node = n < nodes ? nodeId(n) : "ghost-" + (n - nodes);
      String group = random.nextInt(6) == 0 ? GROUPS[random.nextInt(3)] : GROUPS[n % 3];
      int r = random.nextInt(10);
      Result result = r < 6 ? Result.SUCCESS : r < 8 ? Result.FAILED : Result.SKIPPED;
      FailureReason reason =
          switch (result) {
            case FAILED -> reasons[random.nextInt(reasons.length)];
            case SKIPPED -> random.nextBoolean() ? FailureReason.LOCK_UNAVAILABLE : null;
            case SUCCESS -> null;
          };
      Instant finished = clock.instant().minus(ages[random.nextInt(ages.length)]);
      fleet.recordRotation(
          new RotationEvent(
              ProtocolVersion.CURRENT,
              new UUID(random.nextLong(), random.nextLong()),
              node,
              group,
              PATHS[random.nextInt(PATHS.length)],
              Trigger.SIZE,
              finished.minusSeconds(3),
              finished,
              result,
              reason,
              null,
              1_000,
              100,
              "zstd",
              "redis",
              5,
              k + 1));
    }
  }

  private static String nodeId(int i) {
    return i == 7 ? "node-\"07\"\\odd" : String.format("node-%02d", i);
  }

  private NodeHeartbeat heartbeat(int i, String group, int disks, int lock) {
    List<DiskUsage> mounts = new ArrayList<>();
    for (int d = 0; d < disks; d++) {
      mounts.add(new DiskUsage(d == 0 ? "/var/log" : "/data " + d, 1000, 37L * (i + 1) + 100 * d));
    }
    List<FileStatus> files = new ArrayList<>();
    for (int f = 0; f <= i % 3; f++) {
      files.add(
          new FileStatus(PATHS[(i + f) % PATHS.length], 10_000, 1.5 * i - f, 2, 300, null, null));
    }
    LockState lockState =
        switch (lock) {
          case 1 -> new LockState("redis", null);
          case 2 -> new LockState("hazelcast", clock.instant().minusSeconds(90));
          default -> null;
        };
    return new NodeHeartbeat(
        ProtocolVersion.CURRENT,
        nodeId(i),
        group,
        "0.1.0",
        clock.instant(),
        mounts,
        files,
        lockState);
  }
}
