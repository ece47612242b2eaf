package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHistoryStoreTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);

  @Test
  void duplicatesAreStoredOnceEvenWithinOneBatchOrConcurrentBatches() throws Exception {
    try (FileHistoryStore store = FileHistoryStore.open(dir, Duration.ofDays(30), clock)) {
      RotationEvent a = Wire.event("n1", Result.SUCCESS, T0);
      RotationEvent b = Wire.event("n1", Result.FAILED, T0);
      List<CompletableFuture<List<RotationEvent>>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(store.append(List.of(a, b, a)));
      }
      int fresh = 0;
      for (var f : futures) {
        fresh += f.get().size();
      }
      assertThat(fresh).isEqualTo(2);
      assertThat(store.size()).isEqualTo(2);
      assertThat(store.contains(a.eventId())).isTrue();
    }
    assertThat(Files.readAllLines(dir.resolve("events/2026-11-21.jsonl"))).hasSize(2);
  }

  @Test
  void historySurvivesReopeningAndATornLastLineIsCut() throws Exception {
    RotationEvent a = Wire.event("n1", Result.SUCCESS, T0);
    try (FileHistoryStore store = FileHistoryStore.open(dir, Duration.ofDays(30), clock)) {
      store.append(List.of(a)).get();
    }
    Path segment = dir.resolve("events/2026-11-21.jsonl");
    Files.writeString(
        segment, "{\"protocolVersion\":\"1.0\",\"eventId\":", StandardOpenOption.APPEND);
    RotationEvent b = Wire.event("n1", Result.SUCCESS, T0.plusSeconds(1));
    try (FileHistoryStore store = FileHistoryStore.open(dir, Duration.ofDays(30), clock)) {
      assertThat(store.contains(a.eventId())).isTrue();
      assertThat(store.append(List.of(a, b)).get()).containsExactly(b);
    }
    List<String> lines = Files.readAllLines(segment, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    try (FileHistoryStore store = FileHistoryStore.open(dir, Duration.ofDays(30), clock)) {
      assertThat(store.query(RotationQuery.all(10)).items()).containsExactly(b, a);
    }
  }

  @Test
  void retentionDeletesOldSegmentsAndForgetsOldEvents() throws Exception {
    try (FileHistoryStore store = FileHistoryStore.open(dir, Duration.ofDays(2), clock)) {
      RotationEvent old = Wire.event("n1", Result.SUCCESS, T0);
      store.append(List.of(old)).get();
      clock.advance(Duration.ofDays(4));
      RotationEvent recent = Wire.event("n1", Result.SUCCESS, clock.instant());
      store.append(List.of(recent)).get();
      store.sweep(clock.instant());
      assertThat(Files.exists(dir.resolve("events/2026-11-21.jsonl"))).isFalse();
      assertThat(Files.exists(dir.resolve("events/2026-11-25.jsonl"))).isTrue();
      assertThat(store.query(RotationQuery.all(10)).items()).containsExactly(recent);
      assertThat(store.contains(old.eventId())).isFalse();
    }
  }

  @Test
  void nodeSnapshotRoundTrips() throws Exception {
    try (FileHistoryStore store = FileHistoryStore.open(dir, Duration.ofDays(2), clock)) {
      assertThat(store.loadNodes()).isEmpty();
      SavedNode n = new SavedNode(Wire.heartbeat("n1", T0, 0.4), T0, Duration.ofSeconds(20));
      store.saveNodes(List.of(n));
      assertThat(store.loadNodes()).containsExactly(n);
      assertThat(Files.exists(dir.resolve("nodes.json.tmp"))).isFalse();
    }
  }
}
