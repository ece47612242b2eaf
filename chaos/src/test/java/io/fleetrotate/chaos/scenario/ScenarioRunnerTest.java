package io.fleetrotate.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetrotate.chaos.check.LineAudit;
import io.fleetrotate.chaos.fleet.RedisNode;
import io.fleetrotate.chaos.fleet.TestFleets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One short scenario end to end on a real fleet, and the refusals that need no fleet. */
class ScenarioRunnerTest {
  @Test
  void aShortRedisPauseRunsAndPassesWithRotationsRecorded() throws IOException {
    boolean ci = "true".equals(System.getenv("CI"));
    if (RedisNode.findBinary().isEmpty()) {
      assertThat(ci).as("redis-server is not on PATH (required under CI=true)").isFalse();
      assumeTrue(false, "redis-server is not on PATH; skipping the end-to-end scenario");
    }
    Scenario s = Scenarios.all().get("redis-pause");
    ScenarioContext ctx =
        new ScenarioContext(
            "redis-pause",
            TestFleets.runDir("chaos-redis-pause"),
            TestFleets.jars(),
            3,
            Duration.ofSeconds(12),
            2);
    ScenarioResult r = ScenarioRunner.run(List.of(s), ctx);
    assertThat(r.violations()).isEmpty();
    assertThat(r.status()).isEqualTo(ScenarioResult.Status.PASSED);
    assertThat(r.rotations()).isPositive();
    assertThat(r.faults()).anyMatch(f -> f.contains("SIGSTOP redis-server"));

    // The same recorded files with one backup removed: the audit must notice (it is not vacuous).
    Path node1 = ctx.dir().resolve("node-1");
    Path log = node1.resolve("logs/server.log");
    long written = ChaosFleet.lastSeq(node1.resolve("mcp-server.out"));
    assertThat(written).isGreaterThan(1000);
    assertThat(LineAudit.of(log, written).exact()).isTrue();
    Path backup;
    try (Stream<Path> files = Files.list(log.getParent())) {
      backup = files.filter(f -> f.toString().endsWith(".zst")).findFirst().orElseThrow();
    }
    Files.delete(backup);
    assertThat(LineAudit.of(log, written).missing()).isPositive();

    // node-2 prunes: its oldest lines are gone with the backups retention deleted, and a backup
    // removed above that floor is still lost.
    assertThat(r.notes()).anyMatch(n -> n.startsWith("node-2: retention (keep 4"));
    Path node2 = ctx.dir().resolve("node-2");
    Path log2 = node2.resolve("logs/server.log");
    long written2 = ChaosFleet.lastSeq(node2.resolve("mcp-server.out"));
    LineAudit pruned = LineAudit.of(log2, written2);
    assertThat(pruned.floor()).isGreaterThan(1);
    assertThat(pruned.missingFromFloor()).isZero();
    Path newest;
    try (Stream<Path> files = Files.list(log2.getParent())) {
      // By name without ".zst": <stamp> sorts before <stamp>.1, made later in the same second.
      newest =
          files
              .filter(f -> f.toString().endsWith(".zst"))
              .max(Comparator.comparing(f -> f.getFileName().toString().replace(".zst", "")))
              .orElseThrow();
    }
    Files.delete(newest);
    assertThat(LineAudit.of(log2, written2).missingFromFloor()).isPositive();
  }

  @Test
  void aScenarioThatCannotRunIsReportedNotRunWithItsReason() {
    Scenario needsATool =
        new Scenario("needs-a-tool", "a scenario whose tool is missing") {
          @Override
          public Optional<String> cannotRun() {
            return Optional.of("frobnicate is not on PATH");
          }

          @Override
          public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) {
            throw new AssertionError("a scenario that cannot run is never injected");
          }
        };
    ScenarioResult r =
        ScenarioRunner.run(
            List.of(needsATool),
            new ScenarioContext(
                "needs-a-tool",
                TestFleets.runDir("chaos-not-run"),
                TestFleets.jars(),
                1,
                Duration.ZERO,
                2));
    assertThat(r.status()).isEqualTo(ScenarioResult.Status.NOT_RUN);
    assertThat(r.bad()).isFalse();
    assertThat(r.notes()).singleElement().asString().contains("frobnicate is not on PATH");
  }

  @Test
  void scenariosNeedingDifferentBackendsAreNotCombined() {
    ScenarioResult r =
        ScenarioRunner.run(
            List.of(
                Scenarios.all().get("redis-pause"), Scenarios.all().get("hazelcast-member-kill")),
            new ScenarioContext(
                "redis-pause+hazelcast-member-kill",
                TestFleets.runDir("chaos-combine"),
                TestFleets.jars(),
                1,
                Duration.ZERO,
                2));
    assertThat(r.status()).isEqualTo(ScenarioResult.Status.NOT_RUN);
    assertThat(r.notes()).singleElement().asString().contains("cannot combine");
  }
}
