package io.fleetrotate.agent.report;

import static io.fleetrotate.agent.report.TestEvents.event;
import static io.fleetrotate.agent.report.TestEvents.events;
import static io.fleetrotate.agent.report.TestEvents.numbers;
import static io.fleetrotate.agent.report.TestEvents.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox on real files: naming, order across restarts, and what a crash can leave. */
class OutboxTest {
  private final WireCodec codec = new WireCodec();
  @TempDir Path state;

  private Outbox open() throws IOException {
    return Outbox.open(state.resolve("outbox"), codec, 100_000);
  }

  private List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void eachEventIsOneFileNamedSoThatLexicalOrderIsCreationOrder() throws Exception {
    try (Outbox outbox = open()) {
      events(1, 12).forEach(outbox::record);

      assertThat(names(outbox.directory()))
          .filteredOn(n -> n.endsWith(".json"))
          .hasSize(12)
          .startsWith("00000000000000000001.json", "00000000000000000002.json")
          .endsWith("00000000000000000012.json");
      assertThat(numbers(outbox.peek(100).stream().map(Outbox.Entry::event).toList()))
          .isEqualTo(range(1, 12));
    }
  }

  @Test
  void theSequenceContinuesAfterARestartEvenOnceEverythingWasAcknowledged() throws Exception {
    try (Outbox outbox = open()) {
      events(1, 3).forEach(outbox::record);
      outbox.reject(outbox.peek(1).get(0), "refused in a test");
      outbox.remove(outbox.peek(10));
      assertThat(outbox.pendingCount()).isZero();
    }
    try (Outbox outbox = open()) {
      outbox.record(event(4));
      assertThat(outbox.peek(10)).extracting(Outbox.Entry::sequence).containsExactly(4L);
    }
  }

  @Test
  void anEventHandedOverAgainIsKeptOnceEvenAfterARestart() throws Exception {
    RotationEvent once = event(1);
    try (Outbox outbox = open()) {
      assertThat(outbox.record(once)).isTrue();
      assertThat(outbox.record(once)).isTrue();
      assertThat(outbox.pendingCount()).isEqualTo(1);
    }
    try (Outbox outbox = open()) {
      assertThat(outbox.record(once)).isTrue();
      assertThat(outbox.peek(10)).extracting(Outbox.Entry::event).containsExactly(once);
      outbox.remove(outbox.peek(10));
      // Acknowledged and gone: handed over again, it is a new pending event (the coordinator
      // deduplicates by id).
      assertThat(outbox.record(once)).isTrue();
      assertThat(outbox.pendingCount()).isEqualTo(1);
    }
  }

  @Test
  void pendingEventsAreFoundAgainAfterARestart() throws Exception {
    try (Outbox outbox = open()) {
      events(1, 5).forEach(outbox::record);
    }
    try (Outbox outbox = open()) {
      outbox.record(event(6));
      assertThat(outbox.pendingCount()).isEqualTo(6);
      assertThat(numbers(outbox.peek(100).stream().map(Outbox.Entry::event).toList()))
          .isEqualTo(range(1, 6));
    }
  }

  @Test
  void aWholeEventLeftInATemporaryFileIsKeptAtTheNextStart() throws Exception {
    Path dir = state.resolve("outbox");
    try (Outbox outbox = open()) {
      outbox.record(event(1));
    }
    // The write finished but the rename did not happen before the crash.
    Files.write(dir.resolve(".00000000000000000002.json.tmp"), codec.encode(event(2)));

    try (Outbox outbox = open()) {
      assertThat(numbers(outbox.peek(10).stream().map(Outbox.Entry::event).toList()))
          .containsExactly(1L, 2L);
      outbox.record(event(3));
      assertThat(outbox.peek(10)).extracting(Outbox.Entry::sequence).containsExactly(1L, 2L, 3L);
    }
    assertThat(names(dir)).noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void aTornTemporaryFileIsDeletedAndTheGoodEventsAreKept() throws Exception {
    Path dir = state.resolve("outbox");
    try (Outbox outbox = open()) {
      outbox.record(event(1));
    }
    byte[] whole = codec.encode(event(2));
    Files.write(
        dir.resolve(".00000000000000000002.json.tmp"), Arrays.copyOf(whole, whole.length / 2));

    try (Outbox outbox = open()) {
      assertThat(numbers(outbox.peek(10).stream().map(Outbox.Entry::event).toList()))
          .containsExactly(1L);
    }
    assertThat(names(dir)).noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void aFileThatNoLongerHoldsAnEventIsMovedAsideAndTheOthersAreSent() throws Exception {
    Path dir = state.resolve("outbox");
    try (Outbox outbox = open()) {
      events(1, 3).forEach(outbox::record);
    }
    Files.writeString(dir.resolve("00000000000000000002.json"), "{\"eventId\": \"garbage");

    try (Outbox outbox = open()) {
      List<RotationEvent> sendable = outbox.peek(10).stream().map(Outbox.Entry::event).toList();

      assertThat(numbers(sendable)).containsExactly(1L, 3L);
      assertThat(outbox.pendingCount()).isEqualTo(2);
    }
    assertThat(names(dir.resolve("rejected")))
        .containsExactly("00000000000000000002.json", "00000000000000000002.json.reason");
    assertThat(Files.readString(dir.resolve("rejected/00000000000000000002.json.reason")))
        .contains("no longer holds a valid event");
  }

  @Test
  void pastTheWarningThresholdEventsAreStillWritten() throws Exception {
    try (Outbox outbox = Outbox.open(state.resolve("outbox"), codec, 3)) {
      events(1, 10).forEach(outbox::record);

      assertThat(outbox.pendingCount()).isEqualTo(10);
      assertThat(names(outbox.directory())).filteredOn(n -> n.endsWith(".json")).hasSize(10);
    }
  }

  @Test
  void aSecondAgentOnTheSameOutboxIsRefusedInOneSentence() throws Exception {
    try (Outbox outbox = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(IOException.class)
          .hasMessage(
              "another fleetrotate agent is using the outbox "
                  + outbox.directory()
                  + "; give each agent its own stateDir");
    }
  }

  @Test
  void depthCountsPendingAndRejectedEventsWithoutOpeningTheOutbox() throws Exception {
    Path dir = state.resolve("outbox");
    assertThat(Outbox.depth(dir)).isEqualTo(new Outbox.Depth(0, 0));
    try (Outbox outbox = open()) {
      events(1, 4).forEach(outbox::record);
      outbox.reject(outbox.peek(1).get(0), "refused in a test");

      assertThat(Outbox.depth(dir)).isEqualTo(new Outbox.Depth(3, 1));
    }
  }
}
