package io.fleetrotate.coordinator.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class NoticeDispatcherTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @Test
  void noticesArePostedToEveryWebhookAndAFailingOneDoesNotStopTheOthers() throws Exception {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          received.add(
              new JsonObject(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
    URI good = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    URI dead = URI.create("http://127.0.0.1:1/nothing-listens-here");
    MutableClock clock = new MutableClock(T0);
    FleetState fleet = new FleetState(clock, 3, 10, 1_000);
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
      server.stop(0);
    }
  }

  @Test
  void aCoordinatorThatDoesNotDecideSendsNothingAndServesTheStatesHeld() {
    List<Notice> sent = new CopyOnWriteArrayList<>();
    MutableClock clock = new MutableClock(T0);
    FleetState fleet = new FleetState(clock, 3, 10, 1_000);
    FiringStates shared = FiringStates.local();
    AlertEngine leader =
        new AlertEngine(
            TestCoordinators.RULES,
            Duration.ofMinutes(5),
            fleet,
            clock,
            sent::add,
            shared,
            () -> true);
    AlertEngine follower =
        new AlertEngine(
            TestCoordinators.RULES,
            Duration.ofMinutes(5),
            fleet,
            clock,
            sent::add,
            shared,
            () -> false);
    fleet.heartbeat(Wire.heartbeat("n1", T0, 0.99));

    assertThat(follower.evaluate()).isEmpty();
    assertThat(follower.firing()).isEmpty();
    assertThat(leader.evaluate()).hasSize(1);
    assertThat(follower.firing()).extracting(a -> a.key().rule()).containsExactly("diskUsedRatio");
    assertThat(sent).hasSize(1);
  }
}
