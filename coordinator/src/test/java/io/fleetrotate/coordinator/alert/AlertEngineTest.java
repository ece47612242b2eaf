package io.fleetrotate.coordinator.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertEngineTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  MutableClock clock = new MutableClock(T0);
  FleetState fleet =
      new FleetState(clock, new FleetState.NodeLimits(3, 10, 1_000_000, Integer.MAX_VALUE));
  List<Notice> sent = new ArrayList<>();
  AlertEngine engine =
      new AlertEngine(TestCoordinators.RULES, Duration.ofMinutes(5), fleet, clock, sent::add);

  @Test
  void fullDiskFiresOnceRepeatsAfterCooldownAndResolves() {
    fleet.heartbeat(Wire.heartbeat("n1", T0, 0.90));
    assertThat(engine.evaluate())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(Notice.Kind.FIRED);
              assertThat(n.alert().severity()).isEqualTo(Severity.EMERGENCY);
              assertThat(n.alert().key())
                  .isEqualTo(new AlertKey("diskUsedRatio", "n1", "/var/log"));
              assertThat(n.alert().summary())
                  .isEqualTo("/var/log on n1 is 90.0% full (threshold 85%)");
            });

    // Within the cooldown: still firing, no duplicate notice.
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(1));
      fleet.heartbeat(Wire.heartbeat("n1", clock.instant(), 0.91));
      assertThat(engine.evaluate()).isEmpty();
    }
    assertThat(engine.firing()).hasSize(1);

    clock.advance(Duration.ofMinutes(1));
    fleet.heartbeat(Wire.heartbeat("n1", clock.instant(), 0.92));
    assertThat(engine.evaluate()).extracting(Notice::kind).containsExactly(Notice.Kind.REPEATED);
    assertThat(engine.firing().get(0).since()).isEqualTo(T0);

    clock.advance(Duration.ofSeconds(10));
    fleet.heartbeat(Wire.heartbeat("n1", clock.instant(), 0.50));
    assertThat(engine.evaluate())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(Notice.Kind.RESOLVED);
              assertThat(n.alert().key().subject()).isEqualTo("/var/log");
            });
    assertThat(engine.firing()).isEmpty();
    assertThat(engine.evaluate()).isEmpty();
    assertThat(sent)
        .extracting(Notice::kind)
        .containsExactly(Notice.Kind.FIRED, Notice.Kind.REPEATED, Notice.Kind.RESOLVED);
    assertThat(engine.recentNotices().get(0).kind()).isEqualTo(Notice.Kind.RESOLVED);
  }

  @Test
  void silentNodeGoesDownAndResolvesWhenItReturns() {
    fleet.heartbeat(Wire.heartbeat("n1", T0, 0.1));
    clock.advance(Duration.ofSeconds(149)); // under 10 intervals of 15 s
    assertThat(engine.evaluate()).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    assertThat(engine.evaluate())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.alert().key().rule()).isEqualTo("nodeDown");
              assertThat(n.alert().severity()).isEqualTo(Severity.CRITICAL);
            });
    fleet.heartbeat(Wire.heartbeat("n1", clock.instant(), 0.1));
    assertThat(engine.evaluate()).extracting(Notice::kind).containsExactly(Notice.Kind.RESOLVED);
  }

  @Test
  void successRatioCountsSkippedAsNeither() {
    fleet.heartbeat(Wire.heartbeat("n1", T0, 0.1));
    for (int i = 0; i < 9; i++) {
      fleet.recordRotation(Wire.event("n1", Result.SUCCESS, T0));
      fleet.recordRotation(Wire.event("n1", Result.SKIPPED, T0));
    }
    fleet.recordRotation(Wire.event("n1", Result.FAILED, T0));
    assertThat(engine.evaluate())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.alert().key()).isEqualTo(new AlertKey("successRatio1h", "n1", ""));
              assertThat(n.alert().value()).isEqualTo(0.9);
            });
    // An hour later (and a heartbeat to keep the node up), the failure has aged out.
    clock.advance(Duration.ofMinutes(61));
    fleet.heartbeat(Wire.heartbeat("n1", clock.instant(), 0.1));
    assertThat(engine.evaluate()).extracting(Notice::kind).containsExactly(Notice.Kind.RESOLVED);
  }

  @Test
  void slowRotationPoorCompressionAndFastGrowthFireForTheirFile() {
    NodeHeartbeat hb =
        new NodeHeartbeat(
            ProtocolVersion.CURRENT,
            "n1",
            "g",
            "0.1.0",
            T0,
            List.of(new DiskUsage("/var/log", 100, 10)),
            List.of(new FileStatus("/var/log/fast.log", 1, 20_000.0, 0, 0, null, null)),
            null);
    fleet.heartbeat(hb);
    RotationEvent slow =
        Wire.event(UUID.randomUUID(), "n1", "g", Result.SUCCESS, T0, Duration.ofSeconds(31));
    RotationEvent poor =
        new RotationEvent(
            "1.0",
            UUID.randomUUID(),
            "n1",
            "g",
            "/var/log/poor.log",
            io.fleetrotate.proto.Trigger.SIZE,
            T0.minusSeconds(1),
            T0,
            Result.SUCCESS,
            null,
            null,
            1000,
            400,
            "gzip",
            "local",
            0,
            0);
    fleet.recordRotation(slow);
    fleet.recordRotation(poor);
    List<Notice> notices = engine.evaluate();
    assertThat(notices)
        .extracting(
            n ->
                n.alert().key().rule()
                    + " "
                    + n.alert().severity()
                    + " "
                    + n.alert().key().subject())
        .containsExactlyInAnyOrder(
            "growthBytesPerHour WARNING /var/log/fast.log",
            "rotationSeconds WARNING /var/log/mcp/server.log",
            "compressionRatio INFO /var/log/poor.log");
    assertThat(engine.firingBySeverity())
        .containsEntry(Severity.WARNING, 2)
        .containsEntry(Severity.INFO, 1);
  }
}
