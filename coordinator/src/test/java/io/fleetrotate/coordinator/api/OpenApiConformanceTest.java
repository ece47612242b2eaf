package io.fleetrotate.coordinator.api;

import static io.fleetrotate.coordinator.Http.ADMIN;
import static io.fleetrotate.coordinator.Http.AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.MutableClock;
import io.fleetrotate.coordinator.TestCoordinators;
import io.fleetrotate.coordinator.Wire;
import io.fleetrotate.proto.Result;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real responses of every endpoint, successes and errors, validated against the schema that
 * openapi.json declares for that path, method and status; and every documented operation is
 * exercised.
 */
class OpenApiConformanceTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0);
  Coordinator coordinator;
  Http http;
  JsonNode document;
  Set<String> exercised = new HashSet<>();

  @BeforeEach
  void start() throws Exception {
    coordinator =
        Coordinator.start(
            TestCoordinators.withMaxBody(TestCoordinators.config(dir), 64 * 1024), clock);
    http = new Http(coordinator.port());
    try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
      document = MAPPER.readTree(in);
    }
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void everyResponseMatchesItsDocumentedSchema() throws Exception {
    check(
        "post",
        "/api/v1/heartbeats",
        http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.9)));
    check(
        "post",
        "/api/v1/nodes/{id}/rotate",
        http.post("/api/v1/nodes/n1/rotate", ADMIN, "{\"path\":\"/var/log/x\"}"));
    check("post", "/api/v1/nodes/{id}/rotate", http.post("/api/v1/nodes/n1/rotate", ADMIN, ""));
    check(
        "post",
        "/api/v1/heartbeats",
        http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("n1", T0, 0.9)));
    check(
        "post",
        "/api/v1/events",
        http.post(
            "/api/v1/events",
            AGENT,
            Wire.eventsJson(
                List.of(
                    Wire.event("n1", Result.SUCCESS, T0),
                    Wire.event("n1", Result.FAILED, T0),
                    Wire.event("n1", Result.SKIPPED, T0)))));
    coordinator.alerts().evaluate();

    check("get", "/api/v1/fleet", http.get("/api/v1/fleet", ADMIN));
    check("get", "/api/v1/groups", http.get("/api/v1/groups", ADMIN));
    check("get", "/api/v1/nodes", http.get("/api/v1/nodes", ADMIN));
    check("get", "/api/v1/nodes/{id}", http.get("/api/v1/nodes/n1", ADMIN));
    check("get", "/api/v1/rotations", http.get("/api/v1/rotations?limit=2", ADMIN));
    check(
        "get", "/api/v1/rotations/export", http.get("/api/v1/rotations/export?format=json", ADMIN));
    Http.Response csv = http.get("/api/v1/rotations/export?format=csv", ADMIN);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(
            responses("get", "/api/v1/rotations/export").get("200").get("content").has("text/csv"))
        .isTrue();
    check("get", "/api/v1/alerts", http.get("/api/v1/alerts", ADMIN));
    check("get", "/api/v1/advice", http.get("/api/v1/advice?node=n1", ADMIN));
    check("get", "/api/v1/advice", http.get("/api/v1/advice?node=ghost", ADMIN));
    check("get", "/api/v1/openapi.json", http.get("/api/v1/openapi.json", null));
    check("get", "/health", http.get("/health", null));
    Http.Response metrics = http.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    exercised.add("get /metrics");

    // Errors.
    check("post", "/api/v1/heartbeats", http.post("/api/v1/heartbeats", null, "{}"));
    check("post", "/api/v1/heartbeats", http.post("/api/v1/heartbeats", ADMIN, "{}"));
    check("post", "/api/v1/heartbeats", http.post("/api/v1/heartbeats", AGENT, "{}"));
    check("post", "/api/v1/heartbeats", http.post("/api/v1/heartbeats", AGENT, "x".repeat(70_000)));
    check("post", "/api/v1/events", http.post("/api/v1/events", AGENT, "[{}]"));
    check("get", "/api/v1/nodes/{id}", http.get("/api/v1/nodes/ghost", ADMIN));
    check("post", "/api/v1/nodes/{id}/rotate", http.post("/api/v1/nodes/ghost/rotate", ADMIN, ""));
    check("get", "/api/v1/rotations", http.get("/api/v1/rotations?limit=x", ADMIN));
    check("get", "/api/v1/fleet", http.get("/api/v1/fleet", AGENT));
    check("get", "/api/v1/alerts", http.get("/api/v1/alerts", null));
    for (int i = 0; i < 61; i++) {
      Http.Response r = http.post("/api/v1/heartbeats", AGENT, Wire.heartbeatJson("busy", T0, 0.1));
      if (r.status() == 429) {
        check("post", "/api/v1/heartbeats", r);
      }
    }

    Set<String> documented = new HashSet<>();
    for (Iterator<String> p = document.get("paths").fieldNames(); p.hasNext(); ) {
      String path = p.next();
      for (Iterator<String> m = document.get("paths").get(path).fieldNames(); m.hasNext(); ) {
        documented.add(m.next() + " " + path);
      }
    }
    assertThat(exercised).containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void theValidatorRefusesAWrongShape() throws Exception {
    JsonSchema schema =
        FACTORY.getSchema(
            SchemaLocation.of(
                "classpath:openapi.json#/paths/~1api~1v1~1nodes/get/responses/200/content/application~1json/schema"),
            SchemaValidatorsConfig.builder().build());
    assertThat(schema.validate(MAPPER.readTree("{\"count\": -1, \"nodes\": [{\"nodeId\": 3}]}")))
        .isNotEmpty();
  }

  private JsonNode responses(String method, String path) {
    JsonNode op = document.get("paths").get(path).get(method);
    assertThat(op).as(method + " " + path + " is documented").isNotNull();
    return op.get("responses");
  }

  private void check(String method, String path, Http.Response r) throws Exception {
    exercised.add(method + " " + path);
    String status = Integer.toString(r.status());
    JsonNode response = responses(method, path).get(status);
    assertThat(response)
        .as(method + " " + path + " documents status " + status + ": " + r)
        .isNotNull();
    String pointer =
        "/paths/"
            + path.replace("~", "~0").replace("/", "~1")
            + "/"
            + method
            + "/responses/"
            + status
            + "/content/application~1json/schema";
    JsonSchema schema =
        FACTORY.getSchema(
            SchemaLocation.of("classpath:openapi.json#" + pointer),
            SchemaValidatorsConfig.builder().build());
    Set<ValidationMessage> problems = schema.validate(MAPPER.readTree(r.body()));
    assertThat(problems).as(method + " " + path + " " + status + ": " + r.body()).isEmpty();
  }
}
