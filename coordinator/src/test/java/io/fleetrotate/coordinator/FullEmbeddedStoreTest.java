package io.fleetrotate.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.testsupport.SmallTmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store on a real full disk (a small tmpfs under the store directory): appends are
 * answered 503 with Retry-After, the sender keeps its batches as an agent's outbox does, and once
 * there is room again every event is stored exactly once.
 */
class FullEmbeddedStoreTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;

  @Test
  void aFullDiskAnswers503WithRetryAfterAndEveryKeptEventIsStoredOnceAfterwards() throws Exception {
    Path storeDir = Files.createDirectories(dir.resolve("store"));
    try (SmallTmpfs disk = SmallTmpfs.mount(storeDir, "32m")) {
      Coordinator coordinator =
          Coordinator.start(TestCoordinators.config(storeDir), new MutableClock(T0));
      try {
        fullThenFreed(coordinator, disk);
      } finally {
        coordinator.close();
      }
    }
  }

  private void fullThenFreed(Coordinator coordinator, SmallTmpfs disk) throws Exception {
    Http http = new Http(coordinator.port());
    // The outbox: batches wait here until a 200 acknowledges them.
    Deque<List<RotationEvent>> outbox = new ArrayDeque<>();
    Set<RotationEvent> sent = new HashSet<>();
    for (int b = 0; b < 40; b++) {
      List<RotationEvent> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(Wire.event("n" + (i % 5), Result.SUCCESS, T0.minusMillis(b * 100L + i)));
      }
      sent.addAll(batch);
      outbox.add(batch);
    }
    List<RotationEvent> first = outbox.peek();
    assertThat(send(http, outbox)).as("before the disk is full").isEqualTo(200);

    Path filler = disk.fill("filler");
    int refused = 0;
    while (!outbox.isEmpty()) {
      int status = send(http, outbox);
      if (status == 503) {
        refused++;
        if (refused >= 3) {
          break; // refused every time, as it must while the disk stays full
        }
      }
    }
    assertThat(refused).as("a full disk refuses appends").isEqualTo(3);
    assertThat(outbox).as("refused batches stay with the sender").isNotEmpty();

    Files.delete(filler);
    while (!outbox.isEmpty()) {
      assertThat(send(http, outbox)).as("the disk has room again").isEqualTo(200);
    }
    // Sent once more, as by an agent whose acknowledgement was lost: acknowledged, not stored
    // twice.
    outbox.add(first);
    assertThat(send(http, outbox)).isEqualTo(200);
    assertThat(http.get("/api/v1/rotations/export?format=json", Http.ADMIN).array())
        .hasSize(sent.size());
    for (RotationEvent e : sent) {
      assertThat(coordinator.history().contains(e)).as("event %s", e.eventId()).isTrue();
    }
    assertThat(coordinator.history().size()).isEqualTo(sent.size());
    // Counted once each: none was half-written while refused.
    assertThat(coordinator.fleet().lastHour().attempts()).isEqualTo(sent.size());
  }

  /**
   * Posts the oldest batch of the outbox; removes it on 200. A 503 must say when to retry.
   *
   * @return the status
   */
  private static int send(Http http, Deque<List<RotationEvent>> outbox) {
    Http.Response r = http.post("/api/v1/events", Http.AGENT, Wire.eventsJson(outbox.peek()));
    if (r.status() == 200) {
      outbox.poll();
    } else {
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(r.header("retry-after")).isEqualTo("5");
      assertThat(r.json().getString("error"))
          .isEqualTo("the coordinator cannot store data right now; retry later");
    }
    return r.status();
  }
}
