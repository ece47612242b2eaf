package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.rotate.RotationOutcome;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import io.fleetrotate.proto.WireLimits;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RotationEventsTest {
  private static final Instant T = Instant.parse("2026-11-21T09:00:00Z");

  private static RotationOutcome outcome(
      String id, Result result, Optional<FailureReason> reason, String message) {
    return RotationOutcome.ended(
        new RotationOutcome.Attempt(
            id, Path.of("/var/log/mcp/server.log"), "mcp", Trigger.SIZE, 42, T),
        result,
        reason,
        message,
        new RotationOutcome.Work(1_000, 120, Codec.ZSTD, Optional.empty()),
        T.plusSeconds(2));
  }

  @Test
  void anOutcomeBecomesAnEventWithTheRotationsIdAndTheLeaseDetails() {
    UUID id = UUID.randomUUID();

    RotationEvent e =
        RotationEvents.of(
            outcome(id.toString(), Result.SUCCESS, Optional.empty(), "done"), "node-1", "local", 7);

    assertThat(e.eventId()).isEqualTo(id);
    assertThat(e.nodeId()).isEqualTo("node-1");
    assertThat(e.group()).isEqualTo("mcp");
    assertThat(e.path()).isEqualTo("/var/log/mcp/server.log");
    assertThat(e.lockBackend()).isEqualTo("local");
    assertThat(e.lockWaitMs()).isEqualTo(7);
    assertThat(e.fencingToken()).isEqualTo(42);
    assertThat(e.codec()).isEqualTo("zstd");
    assertThat(e.bytesBefore()).isEqualTo(1_000);
    assertThat(e.bytesAfter()).isEqualTo(120);
    assertThat(e.reason()).isNull();
  }

  @Test
  void aRotationIdThatIsNoUuidGivesTheSameEventIdEveryTime() {
    RotationEvent first =
        RotationEvents.of(outcome("r-17", Result.SUCCESS, Optional.empty(), null), "n", "local", 0);
    RotationEvent again =
        RotationEvents.of(outcome("r-17", Result.SUCCESS, Optional.empty(), null), "n", "local", 0);

    assertThat(first.eventId()).isEqualTo(again.eventId());
  }

  @Test
  void valuesTheWireRefusesAreMadeAcceptableRatherThanLosingTheEvent() {
    RotationEvent failed =
        RotationEvents.of(
            outcome(
                UUID.randomUUID().toString(), Result.FAILED, Optional.empty(), "x".repeat(9_000)),
            "n",
            "local",
            -3);
    RotationEvent skipped =
        RotationEvents.of(
            outcome(
                UUID.randomUUID().toString(),
                Result.SKIPPED,
                Optional.of(FailureReason.LOCK_TIMEOUT),
                "  "),
            "n",
            "local",
            0);

    assertThat(failed.reason()).isEqualTo(FailureReason.IO_ERROR);
    assertThat(failed.message()).hasSize(WireLimits.MAX_MESSAGE_LENGTH);
    assertThat(failed.lockWaitMs()).isZero();
    assertThat(skipped.reason()).isNull();
    assertThat(skipped.message()).isNull();
  }
}
