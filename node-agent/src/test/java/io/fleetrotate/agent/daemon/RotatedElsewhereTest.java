package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.rotate.FenceFile;
import io.fleetrotate.agent.rotate.FenceView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When the schedule and age clocks count from after another holder's rotation, clock skew aside.
 */
class RotatedElsewhereTest {

  private static final Instant SINCE = Instant.parse("2026-03-09T02:00:10Z");
  private static final Instant ASKED = Instant.parse("2026-03-10T02:00:10Z");
  private static final Instant NOW = ASKED.plusSeconds(20);

  private static FenceFile.Entry fence(long token, Instant at) {
    return new FenceFile.Entry(token, "g", "4242@host-a", at);
  }

  @Test
  void aRotationWhileWaitingCountsFromTheFencesTime() {
    Instant at = ASKED.plusSeconds(5);
    RotatedElsewhere r = RotatedElsewhere.find(fence(8, at), 7, ASKED, NOW, SINCE).orElseThrow();
    assertThat(r.countFrom()).isEqualTo(at);
    assertThat(r.whileWaiting()).isTrue();
    assertThat(r.sentence(Path.of("/logs/server.log")))
        .isEqualTo(
            "4242@host-a rotated /logs/server.log at "
                + at
                + " (fencing token 8) while this agent waited for the lease, and it is not due"
                + " any more");
  }

  @Test
  void aFenceBehindThisAgentsClockCountsFromWhenItAskedIfItChangedWhileWaiting() {
    Instant behind = ASKED.minus(Duration.ofMinutes(10)).plusSeconds(5);
    RotatedElsewhere r =
        RotatedElsewhere.find(fence(8, behind), 7, ASKED, NOW, SINCE).orElseThrow();
    assertThat(r.countFrom()).isEqualTo(ASKED);
    assertThat(r.recordedAt()).isEqualTo(behind);
  }

  @Test
  void aFenceAheadOfThisAgentsClockCountsFromNow() {
    Instant ahead = NOW.plus(Duration.ofMinutes(10));
    assertThat(RotatedElsewhere.find(fence(8, ahead), 7, ASKED, NOW, SINCE).orElseThrow())
        .extracting(RotatedElsewhere::countFrom)
        .isEqualTo(NOW);
    assertThat(RotatedElsewhere.find(fence(8, ahead), 8, ASKED, NOW, SINCE).orElseThrow())
        .extracting(RotatedElsewhere::countFrom)
        .isEqualTo(NOW);
  }

  @Test
  void aRotationBeforeAskingCountsFromTheFencesTimeAndSaysSo() {
    Instant at = ASKED.minusSeconds(8);
    RotatedElsewhere r = RotatedElsewhere.find(fence(8, at), 8, ASKED, NOW, SINCE).orElseThrow();
    assertThat(r.countFrom()).isEqualTo(at);
    assertThat(r.whileWaiting()).isFalse();
    assertThat(r.sentence(Path.of("/logs/server.log"))).contains("before this agent got the lease");
  }

  @Test
  void aFenceNotNewerThanThisAgentsOwnClockShowsNothing() {
    assertThat(RotatedElsewhere.find(fence(8, SINCE), 8, ASKED, NOW, SINCE)).isEmpty();
    assertThat(RotatedElsewhere.find(fence(8, SINCE.minusSeconds(1)), 8, ASKED, NOW, SINCE))
        .isEmpty();
  }

  @Test
  void aChangeWhileWaitingIsARotationEvenAtTheSameInstantAsThisAgentsClockStart() {
    RotatedElsewhere r = RotatedElsewhere.find(fence(8, ASKED), 7, ASKED, NOW, ASKED).orElseThrow();
    assertThat(r.countFrom()).isEqualTo(ASKED);
  }

  @Test
  void anUnreadableFenceWhenAskingIsNotTakenForAChangeWhileWaiting() {
    Instant behind = ASKED.minus(Duration.ofMinutes(10));
    RotatedElsewhere r =
        RotatedElsewhere.find(fence(8, behind), FenceView.UNKNOWN_TOKEN, ASKED, NOW, SINCE)
            .orElseThrow();
    assertThat(r.whileWaiting()).isFalse();
    assertThat(r.countFrom()).isEqualTo(behind);
  }
}
