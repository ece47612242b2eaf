package io.fleetrotate.coordinator.cluster;

import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Hazelcast;
import io.fleetrotate.coordinator.config.CoordinatorConfig.Relay;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.SqlHistoryStore;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators on the embedded store, each with its own Hazelcast member and SQLite file: what
 * one missed while it was down or apart comes from the other's store, and the events map is a
 * bounded relay, not a copy of the history.
 */
class ClusterCatchUpTest {
  @TempDir Path dirA;
  @TempDir Path dirB;
  final List<Coordinator> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(Coordinator::close);
  }

  @Test
  void aMemberThatWasDownCatchesUpEveryEventItMissed() throws Exception {
    Pair pair = new Pair(Relay.DEFAULTS);
    Coordinator a = pair.startAWhileBComesAndGoes();

    // 5,000 events (five pages) finished over the last ten hours arrive while B is down.
    List<RotationEvent> missed = backDated(5_000, Instant.now().minus(Duration.ofHours(10)));
    post(new Http(a.port()), missed);
    assertThat(a.history().size()).isEqualTo(5_000);

    Coordinator b = pair.startB();
    await().atMost(Duration.ofSeconds(120)).until(() -> b.history().size() == 5_000);
    // Counted once, as A counted them.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.fleet().lastDay().attempts() == a.fleet().lastDay().attempts());
    assertThat(b.fleet().lastDay().attempts()).isPositive();
    assertThat(b.history().contains(missed.get(0))).isTrue();
    assertThat(b.history().contains(missed.get(4_999))).isTrue();
  }

  @Test
  void aMemberHoldingEventsTheOthersLackGivesThemWhenItJoins() throws Exception {
    Pair pair = new Pair(Relay.DEFAULTS);
    Coordinator a = pair.startAWhileBComesAndGoes();
    // B took events while it was apart from A: written to its own store only.
    List<RotationEvent> onlyB = backDated(1_200, Instant.now().minus(Duration.ofHours(3)));
    try (HistoryStore store =
        SqlHistoryStore.openEmbedded(dirB, Duration.ofDays(30), Clock.systemUTC())) {
      store.append(onlyB).get();
    }

    pair.startB();

    // A pulls them when it sees B join.
    await().atMost(Duration.ofSeconds(120)).until(() -> a.history().size() == 1_200);
    assertThat(a.history().contains(onlyB.get(1_199))).isTrue();
    assertThat(relaySize(a)).isZero();
  }

  @Test
  void theRelayForgetsEventsAfterItsTimeToLive() throws Exception {
    Pair pair = new Pair(new Relay(Duration.ofSeconds(2), 20_000));
    Coordinator a = pair.startA();
    Coordinator b = pair.startB();

    post(new Http(a.port()), backDated(30, Instant.now().minusSeconds(60)));
    assertThat(relaySize(a)).isEqualTo(30);

    await().atMost(Duration.ofSeconds(60)).until(() -> relaySize(a) == 0);
    // The listener had stored them on B already.
    assertThat(b.history().size()).isEqualTo(30);
  }

  @Test
  void theRelayHoldsAtMostItsBoundPerMemberAndEveryEventStillReachesTheOther() throws Exception {
    int bound = 2_710; // 20 entries per partition with two members
    Pair pair = new Pair(new Relay(Duration.ofMinutes(5), bound));
    Coordinator a = pair.startA();
    Coordinator b = pair.startB();

    post(new Http(a.port()), backDated(8_000, Instant.now().minus(Duration.ofMinutes(30))));

    assertThat(relaySize(a)).isLessThanOrEqualTo(2 * bound).isLessThan(8_000);
    await().atMost(Duration.ofSeconds(120)).until(() -> b.history().size() == 8_000);
  }

  @Test
  void whenAMemberCrashesTheOthersStoreWhatItLeftInTheRelay() throws Exception {
    Pair pair = new Pair(Relay.DEFAULTS);
    Coordinator a = pair.startA();
    Coordinator b = pair.startB();
    // An event in the relay that B's listener never stored: put through B's own member, whose
    // listener skips its own puts, as if A had put it and crashed before B heard of it.
    RotationEvent e = Wire.event("n1", Result.SUCCESS, Instant.now());
    b.cluster()
        .get()
        .hazelcast()
        .getMap(ClusterMember.EVENTS_MAP)
        .put(e.eventId().toString(), new String(new WireCodec().encode(e), StandardCharsets.UTF_8));
    assertThat(b.history().contains(e)).isFalse();

    Clusters.crash(running, a);

    await().atMost(Duration.ofSeconds(60)).until(() -> b.history().contains(e));
    assertThat(b.history().size()).isEqualTo(1);
  }

  /** {@code n} events of 3 nodes, finished evenly spread from {@code from} to a second ago. */
  static List<RotationEvent> backDated(int n, Instant from) {
    long spanNanos = Duration.between(from, Instant.now()).toNanos() - 1_000_000_000L;
    List<RotationEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(
          Wire.event(
              "n" + (i % 3),
              i % 10 == 0 ? Result.FAILED : Result.SUCCESS,
              from.plusNanos(spanNanos / n * i)));
    }
    return events;
  }

  /** Posts {@code events} as an agent does, 500 a request; each must be acknowledged. */
  static void post(Http http, List<RotationEvent> events) {
    for (int i = 0; i < events.size(); i += 500) {
      Http.Response r =
          http.post(
              "/api/v1/events",
              AGENT,
              Wire.eventsJson(events.subList(i, Math.min(events.size(), i + 500))));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  private static int relaySize(Coordinator c) {
    return c.cluster().get().hazelcast().getMap(ClusterMember.EVENTS_MAP).size();
  }

  /** A and B on fixed ports, so that B can leave and come back as the same member address. */
  private final class Pair {
    final int portA = Clusters.freePort();
    final int portB = Clusters.freePort();
    final List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    final Relay relay;
    Coordinator a;

    Pair(Relay relay) throws Exception {
      this.relay = relay;
    }

    Coordinator startA() throws Exception {
      a = Clusters.start(running, config(dirA, portA));
      return a;
    }

    /** Starts B and waits until both are members and the partitions are backed up. */
    Coordinator startB() throws Exception {
      Coordinator b = Clusters.start(running, config(dirB, portB));
      await().atMost(Duration.ofSeconds(60)).until(() -> a.cluster().get().members() == 2);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.cluster().get().hazelcast().getPartitionService().isClusterSafe());
      return b;
    }

    /** Starts A, and B, which joins and leaves again: A knows B's address as a member's. */
    Coordinator startAWhileBComesAndGoes() throws Exception {
      startA();
      Coordinator b = startB();
      b.close();
      running.remove(b);
      await().atMost(Duration.ofSeconds(60)).until(() -> a.cluster().get().members() == 1);
      return a;
    }

    private CoordinatorConfig config(Path dir, int port) {
      CoordinatorConfig c =
          TestCoordinators.withHazelcast(TestCoordinators.config(dir), port, members);
      Hazelcast h = c.hazelcast();
      return new CoordinatorConfig(
          c.source(),
          c.http(),
          c.auth(),
          new Hazelcast(h.enabled(), h.port(), h.members(), h.clusterName(), h.bind(), relay),
          c.store(),
          c.liveness(),
          c.alerts(),
          c.rateLimit(),
          c.limits());
    }
  }
}
