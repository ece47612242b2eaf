package io.fleetrotate.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker's lock-outage invariant fed synthetic histories: at most one non-success event per
 * file per lock-service outage; a storm of failures per check is reported, one deferral per file
 * per outage, a LEASE_LOST of the rotation the fault cut short, and events outside any fault are
 * not.
 */
class LockOutageInvariantTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final LockFault KILL = new LockFault("redis-server killed", at(100), at(130));
  private static final LockFault PAUSE = new LockFault("redis-server paused", at(200), at(215));

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private static Rotation event(
      String id, String node, String file, long start, String result, String reason) {
    return new Rotation(
        id, node, "g", "/logs/" + file, "SIZE", at(start), at(start), result, reason, "redis", 0);
  }

  private static List<String> check(List<Rotation> history, LockFault... faults) {
    return Invariants.lockOutages(new RunRecord(history, List.of(), List.of(faults)));
  }

  @Test
  void oneDeferralPerFilePerOutageIsLegal() {
    List<Rotation> h =
        List.of(
            event("1", "n1", "a.log", 101, "SKIPPED", "LOCK_UNAVAILABLE"),
            event("2", "n1", "b.log", 102, "SKIPPED", "LOCK_UNAVAILABLE"),
            event("3", "n2", "a.log", 101, "SKIPPED", "LOCK_UNAVAILABLE"),
            // Next outage: one more each is a new report.
            event("4", "n1", "a.log", 201, "SKIPPED", "LOCK_UNAVAILABLE"),
            event("5", "n1", "a.log", 140, "SUCCESS", null));
    assertThat(check(h, KILL, PAUSE)).isEmpty();
  }

  @Test
  void aFailurePerCheckDuringOneOutageIsReportedOncePerFile() {
    List<Rotation> h = new ArrayList<>();
    for (int s = 100; s < 130; s++) {
      h.add(event("f" + s, "n1", "a.log", s, "FAILED", "LOCK_TIMEOUT"));
    }
    h.add(event("other", "n2", "a.log", 110, "SKIPPED", "LOCK_UNAVAILABLE"));

    List<String> v = check(h, KILL);
    assertThat(v).hasSize(1);
    assertThat(v.get(0))
        .startsWith("n1: /logs/a.log reported 30 non-success events during one lock-service outage")
        .contains("redis-server killed")
        .contains("FAILED/LOCK_TIMEOUT");
  }

  @Test
  void aDeferralAndAFailureOfTheSameFileInOneOutageAreTwoReports() {
    List<Rotation> h =
        List.of(
            event("1", "n1", "a.log", 205, "SKIPPED", "LOCK_UNAVAILABLE"),
            event("2", "n1", "a.log", 214, "FAILED", "IO_ERROR"));
    assertThat(check(h, PAUSE)).singleElement().asString().contains("reported 2 non-success");
  }

  @Test
  void theRotationTheFaultCutShortAndEventsOutsideFaultsAreNotCounted() {
    List<Rotation> h =
        List.of(
            event("1", "n1", "a.log", 100, "FAILED", "LEASE_LOST"),
            event("2", "n1", "a.log", 101, "SKIPPED", "LOCK_UNAVAILABLE"),
            event("3", "n1", "a.log", 50, "FAILED", "LOCK_TIMEOUT"),
            event("4", "n1", "a.log", 60, "FAILED", "LOCK_TIMEOUT"),
            event("5", "n1", "a.log", 131, "FAILED", "LOCK_TIMEOUT"));
    assertThat(check(h, KILL)).isEmpty();
  }

  @Test
  void theFullCheckIncludesTheInvariant() {
    List<Rotation> h =
        List.of(
            event("1", "n1", "a.log", 101, "SKIPPED", "LOCK_UNAVAILABLE"),
            event("2", "n1", "a.log", 102, "SKIPPED", "LOCK_UNAVAILABLE"));
    assertThat(Invariants.check(new RunRecord(h, List.of()).withLockFaults(List.of(KILL))))
        .anyMatch(v -> v.contains("during one lock-service outage"));
    assertThat(Invariants.check(new RunRecord(h, List.of()))).isEmpty();
  }
}
