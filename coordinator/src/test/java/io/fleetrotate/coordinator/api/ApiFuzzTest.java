package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever bytes arrive at a POST endpoint, the answer is never a 5xx and the server stays up. */
class ApiFuzzTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final List<String> ENDPOINTS =
      List.of("/api/v1/heartbeats", "/api/v1/events", "/api/v1/nodes/n1/rotate");

  static Path dir;
  static Coordinator coordinator;
  static Http http;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("fleetrotate-fuzz");
    var config = TestCoordinators.config(dir);
    config =
        new io.fleetrotate.coordinator.config.CoordinatorConfig(
            config.source(),
            config.http(),
            config.auth(),
            config.hazelcast(),
            config.store(),
            config.liveness(),
            config.alerts(),
            new io.fleetrotate.coordinator.config.CoordinatorConfig.RateLimit(60_000),
            config.limits());
    coordinator = Coordinator.start(config, Clock.systemUTC());
    http = new Http(coordinator.port());
    http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.5));
  }

  @AfterContainer
  static void stop() {
    coordinator.close();
  }

  @Property(tries = 300)
  void randomBytesNeverGiveA5xx(
      @ForAll("endpoints") String endpoint, @ForAll("bytes") byte[] body) {
    assertNo5xx(endpoint, body);
  }

  @Property(tries = 400)
  void mutatedValidDocumentsNeverGiveA5xx(
      @ForAll("endpoints") String endpoint, @ForAll("mutated") String body) {
    assertNo5xx(endpoint, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertNo5xx(String endpoint, byte[] body) {
    String token = endpoint.contains("/nodes/") ? ADMIN : AGENT;
    Http.Response r = http.post(endpoint, token, body);
    assertThat(r.status()).as(r.toString()).isLessThan(500);
    if (r.status() >= 400) {
      assertThat(new JsonObject(r.body()).getString("error")).isNotBlank();
    }
    assertThat(http.get("/health", null).status()).isEqualTo(200);
  }

  @Provide
  Arbitrary<String> endpoints() {
    return Arbitraries.of(ENDPOINTS);
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
  }

  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> documents =
        Arbitraries.of(
            Wire.heartbeatJson("n1", T0, 0.5),
            Wire.eventsJson(
                List.of(Wire.event("n1", Result.SUCCESS, T0), Wire.event("n1", Result.FAILED, T0))),
            "{\"path\": \"/var/log/mcp/server.log\"}");
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(
                true,
                false,
                new JsonObject(),
                new JsonArray(),
                "",
                "NaN",
                "-1",
                "2026-13-45T99:00:00Z",
                Long.MAX_VALUE,
                -1L,
                "x".repeat(5000)));
    Arbitrary<Integer> positions = Arbitraries.integers().between(0, 10_000);
    Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 3);
    return Combinators.combine(documents, values, positions, kinds).as(ApiFuzzTest::mutate);
  }

  /** Replaces or removes one field somewhere in the document, or cuts or garbles its text. */
  static String mutate(String doc, Object value, int position, int kind) {
    switch (kind) {
      case 0:
        return doc.substring(0, position % (doc.length() + 1));
      case 1:
        int at = position % doc.length();
        return doc.substring(0, at) + value + doc.substring(at);
      default:
        Object tree = doc.startsWith("[") ? new JsonArray(doc) : new JsonObject(doc);
        JsonObject target = pick(tree, position);
        List<String> names = List.copyOf(target.fieldNames());
        if (names.isEmpty()) {
          return doc;
        }
        String name = names.get(position % names.size());
        if (kind == 2) {
          target.put(name, value);
        } else {
          target.remove(name);
        }
        return tree.toString();
    }
  }

  private static JsonObject pick(Object tree, int position) {
    JsonObject root =
        tree instanceof JsonArray a ? a.getJsonObject(position % a.size()) : (JsonObject) tree;
    List<JsonObject> nested = new java.util.ArrayList<>(List.of(root));
    for (String name : root.fieldNames()) {
      if (root.getValue(name) instanceof JsonArray arr) {
        for (Object o : arr) {
          if (o instanceof JsonObject j) {
            nested.add(j);
          }
        }
      }
    }
    return nested.get(position % nested.size());
  }
}
