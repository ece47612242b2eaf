package io.fleetrotate.agent.report;

import static io.fleetrotate.agent.report.TestEvents.event;
import static io.fleetrotate.agent.report.TestEvents.events;
import static io.fleetrotate.agent.report.TestEvents.numbers;
import static io.fleetrotate.agent.report.TestEvents.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.agent.report.FakeCoordinator.EventRequest;
import io.fleetrotate.agent.report.FakeCoordinator.Failure;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox sender against a coordinator over real loopback HTTP, with real files. */
class OutboxReplayerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path state;
  private Path dir;
  private FakeCoordinator coordinator;
  private final List<Sending> opened = new ArrayList<>();

  @BeforeEach
  void startCoordinator() throws Exception {
    dir = state.resolve("outbox");
    coordinator = FakeCoordinator.start();
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (Sending s : opened) {
      s.close();
    }
    coordinator.close();
  }

  private Sending start() throws IOException {
    return start(Sending.FAST);
  }

  private Sending start(ReportSettings settings) throws IOException {
    Sending s = Sending.start(dir, coordinator.url(), settings);
    opened.add(s);
    return s;
  }

  private Sending open(Durable sync) throws IOException {
    Sending s = Sending.open(dir, coordinator.url(), Sending.FAST, sync);
    opened.add(s);
    return s;
  }

  private List<Path> filesIn(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files
          .filter(f -> f.getFileName().toString().matches("\\d{20}\\.json"))
          .sorted()
          .toList();
    }
  }

  private void awaitStored(int n) {
    await().atMost(DEADLINE).until(() -> coordinator.stored().size() >= n);
  }

  @Test
  void anEventIsFsyncedAndRenamedIntoTheOutboxBeforeTheCoordinatorSeesIt() throws Exception {
    List<String> syncs = Collections.synchronizedList(new ArrayList<>());
    Durable recording =
        new Durable(
            new Durable.Fsync() {
              @Override
              public void file(Path file, Durable.Syncable bytes) throws IOException {
                bytes.sync();
                syncs.add("file " + file.getFileName() + " " + Files.size(file) + " bytes");
              }

              @Override
              public void directory(Path d) throws IOException {
                Durable.Fsync.super.directory(d);
                syncs.add("directory " + d.getFileName());
              }
            });
    List<String> seenAtSend = new ArrayList<>();
    List<String> onDiskAtSend = new ArrayList<>();
    coordinator.onEvents(
        batch -> {
          seenAtSend.addAll(syncs);
          try {
            for (Path f : filesIn(dir)) {
              onDiskAtSend.add(Files.readString(f));
            }
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    Sending s = open(recording);
    s.replayer.start();
    RotationEvent e = event(1);
    int size = new WireCodec().encode(e).length;

    s.record(e);

    awaitStored(1);
    assertThat(seenAtSend)
        .containsExactly(
            "file .00000000000000000001.json.tmp " + size + " bytes", "directory outbox");
    assertThat(onDiskAtSend).hasSize(1);
    assertThat(new WireCodec().decodeEvent(onDiskAtSend.get(0))).isEqualTo(e);
  }

  @Test
  void eventsArriveInTheOrderTheyWereWrittenAcrossBatches() throws Exception {
    ReportSettings smallBatches =
        new ReportSettings(
            Duration.ofMillis(50),
            Duration.ofMillis(400),
            7,
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            100_000,
            Duration.ofSeconds(2));
    Sending s = start(smallBatches);

    for (RotationEvent e : events(1, 50)) {
      s.record(e);
    }

    awaitStored(50);
    assertThat(numbers(coordinator.received())).isEqualTo(range(1, 50));
    assertThat(coordinator.eventRequests())
        .allSatisfy(r -> assertThat(r.size()).isLessThanOrEqualTo(7));
    await().atMost(DEADLINE).until(() -> s.outbox.pendingCount() == 0);
    assertThat(filesIn(dir)).isEmpty();
    assertThat(s.counter("fleetrotate_agent_events_sent")).isEqualTo(50);
  }

  @Test
  void anEventStaysInTheOutboxUntilAnAcknowledgementListsIt() throws Exception {
    List<RotationEvent> three = events(1, 3);
    coordinator.leaveUnacknowledged(three.get(1).eventId());
    Sending s = start();

    three.forEach(s::record);

    await().atMost(DEADLINE).until(() -> coordinator.stored().size() == 2);
    await().atMost(DEADLINE).until(() -> s.outbox.pendingCount() == 1);
    List<Path> left = filesIn(dir);
    assertThat(left).hasSize(1);
    assertThat(new WireCodec().decodeEvent(Files.readAllBytes(left.get(0))))
        .isEqualTo(three.get(1));
    // Sent again (after a backoff, since the retry made no progress) until it is acknowledged.
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                coordinator.received().stream()
                        .filter(e -> e.eventId().equals(three.get(1).eventId()))
                        .count()
                    >= 2);

    coordinator.acknowledgeEverything();

    awaitStored(3);
    await().atMost(DEADLINE).until(() -> filesIn(dir).isEmpty());
    assertThat(s.outbox.pendingCount()).isZero();
  }

  @Test
  void afterAnOutageEveryEventIsStoredExactlyOnceAndInOrder() throws Exception {
    Sending s = start();

    coordinator.fail(Failure.SERVICE_UNAVAILABLE);
    events(1, 10).forEach(s::record);
    await().atMost(DEADLINE).until(() -> count(503) >= 2);

    coordinator.fail(Failure.CLOSE_CONNECTION);
    events(11, 20).forEach(s::record);
    await().atMost(DEADLINE).until(() -> count(-1) >= 2);

    coordinator.fail(Failure.STORE_THEN_CLOSE_CONNECTION);
    events(21, 25).forEach(s::record);
    await().atMost(DEADLINE).until(() -> coordinator.stored().size() == 25);

    coordinator.stop();
    coordinator.fail(Failure.NONE);
    events(26, 30).forEach(s::record);
    await()
        .atMost(DEADLINE)
        .until(() -> s.counter("fleetrotate_agent_event_batches", "unreachable") >= 2);
    assertThat(s.outbox.pendingCount()).isEqualTo(30);

    coordinator.restart();

    await().atMost(DEADLINE).until(() -> s.outbox.pendingCount() == 0);
    assertThat(numbers(coordinator.stored())).isEqualTo(range(1, 30));
    // At least once on the wire: the batch whose acknowledgement was lost came again.
    assertThat(coordinator.received().size()).isGreaterThan(30);
    assertThat(coordinator.received().stream().map(RotationEvent::eventId).distinct().count())
        .isEqualTo(30);
    assertThat(filesIn(dir)).isEmpty();
  }

  private long count(int status) {
    return coordinator.eventRequests().stream().filter(r -> r.status() == status).count();
  }

  @Test
  void eventsLeftByAStoppedSenderAreSentByTheNextOne() throws Exception {
    coordinator.stop();
    Sending first = start();
    events(1, 5).forEach(first::record);
    await()
        .atMost(DEADLINE)
        .until(() -> first.counter("fleetrotate_agent_event_batches", "unreachable") >= 1);
    first.halt();
    assertThat(filesIn(dir)).hasSize(5);

    coordinator.restart();
    Sending second = start();
    second.record(event(6));

    awaitStored(6);
    assertThat(numbers(coordinator.received())).isEqualTo(range(1, 6));
    assertThat(filesIn(dir)).isEmpty();
  }

  @Test
  void anEventTheCoordinatorRefusesIsMovedToRejectedAndTheOthersGoOn() throws Exception {
    List<RotationEvent> five = events(1, 5);
    coordinator.refuse(five.get(2).eventId());
    Sending s = start();

    five.forEach(s::record);

    awaitStored(4);
    await().atMost(DEADLINE).until(() -> s.outbox.pendingCount() == 0);
    assertThat(numbers(coordinator.stored())).containsExactly(1L, 2L, 4L, 5L);
    Path rejected = dir.resolve("rejected");
    List<Path> kept = filesIn(rejected);
    assertThat(kept).hasSize(1);
    assertThat(new WireCodec().decodeEvent(Files.readAllBytes(kept.get(0)))).isEqualTo(five.get(2));
    assertThat(Files.readString(Path.of(kept.get(0) + ".reason")))
        .containsPattern("\\$\\[\\d]\\.eventId: this coordinator refuses this event");
    assertThat(s.counter("fleetrotate_agent_events_rejected")).isEqualTo(1);
    assertThat(Outbox.depth(dir)).isEqualTo(new Outbox.Depth(0, 1));
  }

  @Test
  void aRefusalThatNamesNoEventIsNarrowedDownToTheOneEventAtFault() throws Exception {
    List<RotationEvent> eight = events(1, 8);
    coordinator.refuseWithoutSayingWhich(eight.get(5).eventId());
    Sending s = Sending.open(dir, coordinator.url(), Sending.FAST, Durable.SYSTEM);
    opened.add(s);
    eight.forEach(s.outbox::record);

    s.replayer.start();

    await().atMost(DEADLINE).until(() -> s.outbox.pendingCount() == 0);
    assertThat(numbers(coordinator.stored())).containsExactly(1L, 2L, 3L, 4L, 5L, 7L, 8L);
    assertThat(filesIn(dir.resolve("rejected"))).hasSize(1);
  }

  @Test
  void aRateLimitedSenderWaitsAsLongAsRetryAfterSays() throws Exception {
    coordinator.rateLimit(1, "1");
    Sending s = start();

    s.record(event(1));

    awaitStored(1);
    List<EventRequest> requests = coordinator.eventRequests();
    assertThat(requests).extracting(EventRequest::status).containsExactly(429, 200);
    Duration between = Duration.ofNanos(requests.get(1).atNanos() - requests.get(0).atNanos());
    // The backoff alone would retry within 50 ms.
    assertThat(between).isGreaterThanOrEqualTo(Duration.ofMillis(950));
  }

  @Test
  void aBatchTooLargeForTheCoordinatorIsSplit() throws Exception {
    coordinator.limitBatchesTo(3);
    Sending s = Sending.open(dir, coordinator.url(), Sending.FAST, Durable.SYSTEM);
    opened.add(s);
    events(1, 10).forEach(s.outbox::record);

    s.replayer.start();

    awaitStored(10);
    assertThat(numbers(coordinator.stored())).isEqualTo(range(1, 10));
    List<EventRequest> requests = coordinator.eventRequests();
    assertThat(requests.get(0))
        .extracting(EventRequest::size, EventRequest::status)
        .containsExactly(10, 413);
    assertThat(requests)
        .filteredOn(r -> r.status() == 200)
        .allSatisfy(r -> assertThat(r.size()).isLessThanOrEqualTo(3));

    // Once learnt, the limit holds: later batches are not refused again.
    long refusedSoFar = count(413);
    s.replayer.wake();
    events(11, 30).forEach(s.outbox::record);
    s.replayer.wake();
    awaitStored(30);
    assertThat(count(413)).isEqualTo(refusedSoFar);
    assertThat(numbers(coordinator.stored())).isEqualTo(range(1, 30));
  }

  @Test
  void aRefusedTokenKeepsTheEventsAndTheSenderKeepsTrying() throws Exception {
    coordinator.fail(Failure.UNAUTHORIZED);
    Sending s = start();

    events(1, 3).forEach(s::record);

    await().atMost(DEADLINE).until(() -> count(401) >= 3);
    assertThat(s.outbox.pendingCount()).isEqualTo(3);
    assertThat(s.last.lastEvents())
        .get()
        .satisfies(a -> assertThat(a.result()).contains("coordinator.token"));

    coordinator.fail(Failure.NONE);

    awaitStored(3);
    assertThat(numbers(coordinator.stored())).isEqualTo(range(1, 3));
    await().atMost(DEADLINE).until(() -> s.last.lastEvents().get().ok());
  }

  @Test
  void eventsTheDiskRefusesWaitInMemoryInOrderAndAreWrittenWhenItRecovers() throws Exception {
    AtomicBoolean diskFull = new AtomicBoolean(true);
    Durable failing =
        new Durable(
            (file, bytes) -> {
              if (diskFull.get()) {
                throw new IOException("No space left on device");
              }
              bytes.sync();
            });
    Sending s = open(failing);
    s.replayer.start();

    events(1, 3).forEach(s::record);

    assertThat(s.outbox.pendingCount()).isEqualTo(3);
    // The replayer retries the write meanwhile, and a retry's temp file exists until its fsync
    // fails; the outbox's monitor (held by every write) keeps this look between two retries.
    synchronized (s.outbox) {
      assertThat(filesIn(dir)).isEmpty();
      try (Stream<Path> all = Files.list(dir)) {
        assertThat(all.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
      }
    }

    diskFull.set(false);

    awaitStored(3);
    assertThat(numbers(coordinator.received())).isEqualTo(range(1, 3));
  }

  @Test
  void aStoppedSenderKeepsWhatItCouldNotSendOnDisk() throws Exception {
    coordinator.stop();
    Sending s = start();
    events(1, 3).forEach(s::record);

    s.replayer.stop();
    boolean flushed = s.replayer.flush(Duration.ofMillis(500));

    assertThat(flushed).isFalse();
    assertThat(filesIn(dir)).hasSize(3);
  }
}
