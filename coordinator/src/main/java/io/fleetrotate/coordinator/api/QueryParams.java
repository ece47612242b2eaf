package io.fleetrotate.coordinator.api;

import io.fleetrotate.coordinator.history.Cursor;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.proto.Result;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/** Reads query parameters, refusing bad ones with a sentence that names the parameter. */
final class QueryParams {
  private QueryParams() {}

  static String text(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty() || values.get(0).isEmpty()) {
      return null;
    }
    return values.get(0);
  }

  static int integer(RoutingContext ctx, String name, int min, int max, int fallback) {
    String s = text(ctx, name);
    if (s == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(s);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw ApiException.badRequest(
        "query parameter " + name + ": write a whole number from " + min + " to " + max);
  }

  static RotationQuery rotations(RoutingContext ctx, int defaultLimit, int maxLimit) {
    String node = text(ctx, "node");
    String group = text(ctx, "group");
    Result result = null;
    String r = text(ctx, "result");
    if (r != null) {
      try {
        result = Result.valueOf(r.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("query parameter result: write SUCCESS, FAILED or SKIPPED");
      }
    }
    Instant since = null;
    String s = text(ctx, "since");
    if (s != null) {
      try {
        since = Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            "query parameter since: write a UTC timestamp such as 2026-11-21T09:00:00Z");
      }
    }
    Cursor after = null;
    String c = text(ctx, "cursor");
    if (c != null) {
      after =
          Cursor.decode(c)
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "query parameter cursor: not a cursor this API issued; pass the"
                              + " nextCursor of the previous page, or none for the first"));
    }
    int limit = integer(ctx, "limit", 1, maxLimit, defaultLimit);
    return new RotationQuery(node, group, result, since, after, limit);
  }
}
