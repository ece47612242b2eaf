package io.fleetrotate.coordinator.api;

import io.fleetrotate.coordinator.history.Cursor;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.proto.Result;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads query parameters, refusing bad ones with a sentence that names the parameter. The rotation
 * filters are read the same way from MCP tool arguments ({@link #rotations(Function, String, int,
 * int)}).
 */
public final class QueryParams {
  private QueryParams() {}

  static String text(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty() || values.get(0).isEmpty()) {
      return null;
    }
    return values.get(0);
  }

  static int integer(RoutingContext ctx, String name, int min, int max, int fallback) {
    return integer(text(ctx, name), "query parameter " + name, min, max, fallback);
  }

  private static int integer(String s, String name, int min, int max, int fallback) {
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
    throw ApiException.badRequest(name + ": write a whole number from " + min + " to " + max);
  }

  static RotationQuery rotations(RoutingContext ctx, int defaultLimit, int maxLimit) {
    return rotations(name -> text(ctx, name), "query parameter ", defaultLimit, maxLimit);
  }

  /**
   * The rotation filters node, group, path, result, since, cursor and limit.
   *
   * @param param a parameter's text by name, null when absent
   * @param noun what a parameter is called in an error ("query parameter ", "argument ")
   * @throws ApiException naming the bad parameter
   */
  public static RotationQuery rotations(
      Function<String, String> param, String noun, int defaultLimit, int maxLimit) {
    String node = param.apply("node");
    String group = param.apply("group");
    String path = param.apply("path");
    Result result = null;
    String r = param.apply("result");
    if (r != null) {
      try {
        result = Result.valueOf(r.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(noun + "result: write SUCCESS, FAILED or SKIPPED");
      }
    }
    Instant since = null;
    String s = param.apply("since");
    if (s != null) {
      try {
        since = Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            noun + "since: write a UTC timestamp such as 2026-11-21T09:00:00Z");
      }
    }
    Cursor after = null;
    String c = param.apply("cursor");
    if (c != null) {
      after =
          Cursor.decode(c)
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          noun
                              + "cursor: not a cursor this API issued; pass the"
                              + " nextCursor of the previous page, or none for the first"));
    }
    int limit = integer(param.apply("limit"), noun + "limit", 1, maxLimit, defaultLimit);
    return new RotationQuery(node, group, path, result, since, after, limit);
  }
}
