package io.fleetrotate.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker itself, fed histories known to be legal and known to be broken. */
class RotationChecksTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Rotation r(String id, String node, long startSec, long endSec, long token) {
    return new Rotation(
        id,
        node,
        "g",
        "/var/log/server.log",
        "SIZE",
        T0.plusSeconds(startSec),
        T0.plusSeconds(endSec),
        "SUCCESS",
        null,
        "hazelcast",
        token);
  }

  @Test
  void turnsTakenOneAfterAnotherAreLegal() {
    List<Rotation> history =
        List.of(r("a", "n1", 0, 2, 1), r("b", "n2", 2, 3, 2), r("c", "n3", 5, 9, 3));
    assertThat(RotationChecks.overlaps(history)).isEmpty();
    assertThat(RotationChecks.fencingOrder(history)).isEmpty();
    assertThat(RotationChecks.duplicateEventIds(history)).isEmpty();
  }

  @Test
  void aRotationStartingBeforeAnotherFinishedIsAnOverlap() {
    List<Rotation> history =
        List.of(r("a", "n1", 0, 10, 1), r("b", "n2", 12, 13, 3), r("c", "n3", 5, 6, 2));
    assertThat(RotationChecks.overlaps(history))
        .singleElement()
        .asString()
        .contains("n3's rotation c")
        .contains("n1's rotation a");
  }

  @Test
  void anOverlapWithALongRotationIsFoundPastAShortOneInBetween() {
    // b lies inside a; c starts after b ended but still inside a.
    List<Rotation> history =
        List.of(r("a", "n1", 0, 10, 1), r("b", "n2", 1, 2, 2), r("c", "n3", 3, 4, 3));
    assertThat(RotationChecks.overlaps(history)).hasSize(2);
  }

  @Test
  void otherGroupsAndRotationsWithoutALeaseDoNotOverlap() {
    Rotation otherGroup =
        new Rotation(
            "x",
            "n2",
            "other",
            "/l",
            "SIZE",
            T0.plusSeconds(1),
            T0.plusSeconds(2),
            "SUCCESS",
            null,
            "hazelcast",
            9);
    Rotation noLease =
        new Rotation(
            "y",
            "n3",
            "g",
            "/l",
            "SIZE",
            T0.plusSeconds(1),
            T0.plusSeconds(1),
            "FAILED",
            "LOCK_TIMEOUT",
            "hazelcast",
            0);
    List<Rotation> history = List.of(r("a", "n1", 0, 5, 1), otherGroup, noLease);
    assertThat(RotationChecks.overlaps(history)).isEmpty();
    assertThat(RotationChecks.fencingOrder(history)).isEmpty();
  }

  @Test
  void aTokenThatGoesBackOrRepeatsIsRefused() {
    List<Rotation> history =
        List.of(
            r("a", "n1", 0, 1, 5),
            r("b", "n2", 2, 3, 5),
            r("c", "n3", 4, 5, 4),
            r("d", "n1", 6, 7, 6));
    assertThat(RotationChecks.fencingOrder(history)).hasSize(2);
  }

  @Test
  void anEventIdListedTwiceIsADuplicate() {
    List<Rotation> history =
        List.of(r("a", "n1", 0, 1, 1), r("a", "n1", 0, 1, 1), r("b", "n2", 2, 3, 2));
    assertThat(RotationChecks.duplicateEventIds(history))
        .containsExactly("event a appears 2 times");
    assertThat(RotationChecks.countByNode(history, true))
        .containsEntry("n1", 2L)
        .containsEntry("n2", 1L);
  }
}
