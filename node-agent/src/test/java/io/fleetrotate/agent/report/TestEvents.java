package io.fleetrotate.agent.report;

import io.fleetrotate.proto.ProtocolVersion;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/** Rotation events numbered by their fencing token, so order is easy to check. */
final class TestEvents {
  private TestEvents() {}

  static RotationEvent event(int n) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n);
    return new RotationEvent(
        ProtocolVersion.CURRENT,
        UUID.randomUUID(),
        "node-1",
        "g",
        "/var/log/mcp/server.log",
        Trigger.SIZE,
        t,
        t.plusMillis(5),
        Result.SUCCESS,
        null,
        "rotation " + n,
        1_000 + n,
        100,
        "zstd",
        "local",
        0,
        n);
  }

  static List<RotationEvent> events(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(TestEvents::event).toList();
  }

  static List<Long> numbers(List<RotationEvent> events) {
    return events.stream().map(RotationEvent::fencingToken).toList();
  }

  static List<Long> range(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> (long) i).toList();
  }
}
