package io.fleetrotate.chaos.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The coordinator's HTTP API, read as an admin. */
public final class CoordinatorApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGES = 10_000;

  private final URI base;
  private final String adminToken;

  public CoordinatorApi(URI base, String adminToken) {
    this.base = base;
    this.adminToken = adminToken;
  }

  public URI base() {
    return base;
  }

  /** {@code GET /health}; empty when nothing answers. */
  public Optional<JsonNode> health() {
    return Http.get(base.resolve("/health"), null).filter(Http.Response::ok).map(r -> parse(r));
  }

  /** {@code GET /metrics} as text; empty when nothing answers. */
  public Optional<String> metrics() {
    return Http.get(base.resolve("/metrics"), adminToken)
        .filter(Http.Response::ok)
        .map(Http.Response::body);
  }

  /** {@code GET /api/v1/nodes}. */
  public JsonNode nodes() {
    return getJson("/api/v1/nodes");
  }

  /** {@code GET /api/v1/fleet}. */
  public JsonNode fleet() {
    return getJson("/api/v1/fleet");
  }

  /** Every rotation in the history, newest first, following {@code nextCursor} page by page. */
  public List<Rotation> rotations() {
    return rotations(200);
  }

  /** As {@link #rotations()}, with pages of {@code pageSize} (1..1000). */
  public List<Rotation> rotations(int pageSize) {
    List<Rotation> all = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      String query = "?limit=" + pageSize;
      if (cursor != null) {
        query += "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
      }
      JsonNode j = getJson("/api/v1/rotations" + query);
      j.path("items").forEach(item -> all.add(Rotation.of(item)));
      JsonNode next = j.path("nextCursor");
      if (next.isNull() || next.isMissingNode() || next.asText().isEmpty()) {
        return all;
      }
      cursor = next.asText();
    }
    throw new IllegalStateException("more than " + MAX_PAGES + " pages of rotations");
  }

  /** GET an admin endpoint; fails with the status and body unless it answers 200. */
  public JsonNode getJson(String path) {
    Http.Response r =
        Http.get(base.resolve(path), adminToken)
            .orElseThrow(
                () -> new IllegalStateException("the coordinator at " + base + " does not answer"));
    if (!r.ok()) {
      throw new IllegalStateException("GET " + path + ": " + r.status() + " " + r.body());
    }
    return parse(r);
  }

  private static JsonNode parse(Http.Response r) {
    try {
      return JSON.readTree(r.body());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + r.body(), e);
    }
  }
}
