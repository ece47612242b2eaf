package io.fleetrotate.coordinator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.proto.WireText;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Optional;

/**
 * Request validation as route handlers, between the token check and the action: each reads one part
 * of the request, refuses it with one sentence naming the parameter or JSON path (an {@link
 * ApiException} or {@link PathException}, answered 400 by the failure handler), and leaves the
 * parsed value in the context, where the action reads it with {@link #nodeId}, {@link #rotatePath},
 * {@link #rotationQuery} and {@link #csv}.
 */
final class RequestChecks {
  private static final String NODE_ID = "fleetrotate.nodeId";
  private static final String ROTATE_PATH = "fleetrotate.rotatePath";
  private static final String ROTATION_QUERY = "fleetrotate.rotationQuery";
  private static final String CSV = "fleetrotate.csv";
  // Admin bodies are held to the wire codec's standard: one value per key, nothing after the
  // document.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private RequestChecks() {}

  /** The {@code :id} path parameter, held to the rules node ids follow on the wire. */
  static void checkNodeId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String problem = id == null ? "is required" : WireText.idProblem(id);
    if (problem != null || id.indexOf('\uFFFD') >= 0) {
      throw ApiException.badRequest(
          "path parameter id: "
              + (problem != null ? problem : "must be valid percent-encoded UTF-8")
              + "; write a node id as its agent reports it");
    }
    ctx.put(NODE_ID, id);
    ctx.next();
  }

  static String nodeId(RoutingContext ctx) {
    return ctx.get(NODE_ID);
  }

  /** The optional body {@code {"path": "..."}} of a rotate-now request. */
  static void checkRotateBody(RoutingContext ctx) {
    ctx.put(ROTATE_PATH, Optional.ofNullable(rotatePath(ctx.body().buffer())));
    ctx.next();
  }

  /** The watched file to rotate, or null for all of them. */
  static String rotatePath(RoutingContext ctx) {
    Optional<String> path = ctx.get(ROTATE_PATH);
    return path.orElse(null);
  }

  /** The history filters of the query string, with a limit of at most {@code maxLimit}. */
  static Handler<RoutingContext> checkRotationQuery(int defaultLimit, int maxLimit) {
    return ctx -> {
      ctx.put(ROTATION_QUERY, QueryParams.rotations(ctx, defaultLimit, maxLimit));
      ctx.next();
    };
  }

  static RotationQuery rotationQuery(RoutingContext ctx) {
    return ctx.get(ROTATION_QUERY);
  }

  /** The export's {@code format}: json (the default) or csv. */
  static void checkExportFormat(RoutingContext ctx) {
    String format = QueryParams.text(ctx, "format");
    if (format != null && !format.equals("json") && !format.equals("csv")) {
      throw ApiException.badRequest("query parameter format: write csv or json");
    }
    ctx.put(CSV, "csv".equals(format));
    ctx.next();
  }

  static boolean csv(RoutingContext ctx) {
    return ctx.get(CSV);
  }

  /** Null when absent or without a path. */
  private static String rotatePath(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw new ApiException(
          400,
          "$: is not valid JSON ("
              + oneLine(e.getOriginalMessage())
              + "); send one object such as {\"path\": \"/var/log/app.log\"}");
    } catch (IOException e) {
      throw new ApiException(400, "$: is not valid JSON");
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return null;
    }
    if (!tree.isObject()) {
      throw new PathException("$", "must be an object such as {\"path\": \"/var/log/app.log\"}");
    }
    JsonNode path = tree.get("path");
    if (path == null || path.isNull()) {
      return null;
    }
    if (!path.isTextual() || path.asText().isBlank()) {
      throw new PathException("$.path", "must be a non-blank string, the watched file to rotate");
    }
    String problem = WireText.pathProblem(path.asText());
    if (problem != null) {
      throw new PathException("$.path", problem);
    }
    return path.asText();
  }

  /** Parser detail as one short line of printable text. */
  private static String oneLine(String text) {
    if (text == null) {
      return "no detail";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char c = text.charAt(i);
      out.append(Character.isWhitespace(c) ? ' ' : Character.isISOControl(c) ? '?' : c);
    }
    return out.toString().trim();
  }

  /** A bad field in a small JSON body the API parses itself, with its JSON path. */
  static final class PathException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;

    PathException(String path, String rule) {
      super(path + ": " + rule, null, false, false);
      this.path = path;
    }

    String path() {
      return path;
    }
  }
}
