package io.fleetrotate.coordinator.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.WebhookReceiver;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class NoticeDispatcherTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @Test
  void noticesArePostedToEveryWebhookAndAFailingOneDoesNotStopTheOthers() throws Exception {
    WebhookReceiver server = new WebhookReceiver();
    List<JsonObject> received = server.received();
    URI good = server.url();
    URI dead = URI.create("http://127.0.0.1:1/nothing-listens-here");
    MutableClock clock = new MutableClock(T0);
    FleetState fleet =
        new FleetState(clock, new FleetState.NodeLimits(3, 10, 1_000, Integer.MAX_VALUE));
    try (NoticeDispatcher dispatcher = new NoticeDispatcher(List.of(dead, good))) {
      AlertEngine engine =
          new AlertEngine(TestCoordinators.RULES, Duration.ofMinutes(5), fleet, clock, dispatcher);
      fleet.heartbeat(Wire.heartbeat("n1", T0, 0.99));
      engine.evaluate();
      clock.advance(Duration.ofMinutes(1));
      fleet.heartbeat(Wire.heartbeat("n1", clock.instant(), 0.10));
      engine.evaluate();
      await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
      // Webhooks are sent asynchronously, so the two may arrive in either order.
      assertThat(received)
          .extracting(j -> j.getString("kind"))
          .containsExactlyInAnyOrder("fired", "resolved");
      assertThat(received)
          .allSatisfy(
              j -> {
                assertThat(j.getString("severity")).isEqualTo("emergency");
                assertThat(j.getString("node")).isEqualTo("n1");
                assertThat(j.getString("subject")).isEqualTo("/var/log");
                assertThat(j.getString("rule")).isEqualTo("diskUsedRatio");
              });
    } finally {
      server.close();
    }
  }

  @Test
  void aCoordinatorThatDoesNotDecideSendsNothingAndServesTheStatesHeld() {
    List<Notice> sent = new CopyOnWriteArrayList<>();
    MutableClock clock = new MutableClock(T0);
    FleetState fleet =
        new FleetState(clock, new FleetState.NodeLimits(3, 10, 1_000, Integer.MAX_VALUE));
    FiringStates shared = FiringStates.local();
    AlertEngine[] engines = new AlertEngine[2];
    for (int i = 0; i < 2; i++) {
      boolean decides = i == 0;
      engines[i] =
          new AlertEngine(
              TestCoordinators.RULES,
              Duration.ofMinutes(5),
              fleet,
              clock,
              sent::add,
              shared,
              () -> decides);
    }
    AlertEngine leader = engines[0];
    AlertEngine follower = engines[1];
    fleet.heartbeat(Wire.heartbeat("n1", T0, 0.99));

    assertThat(follower.evaluate()).isEmpty();
    assertThat(follower.firing()).isEmpty();
    assertThat(leader.evaluate()).hasSize(1);
    assertThat(follower.firing()).extracting(a -> a.key().rule()).containsExactly("diskUsedRatio");
    assertThat(sent).hasSize(1);
  }
}
