package io.fleetrotate.coordinator.mcp;

import io.fleetrotate.proto.WireText;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/** A tool call's arguments, refusing a bad one with an MCP error that names it. */
final class Args {
  private final Map<String, Object> values;

  Args(Map<String, Object> values) {
    this.values = values == null ? Map.of() : values;
  }

  static McpError invalid(String message) {
    return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
  }

  /** The argument as text, null when absent; a number or boolean is refused. */
  String text(String name) {
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid("argument " + name + ": write a string");
    }
    return s.isEmpty() ? null : s;
  }

  String nodeId(String name) {
    String id = text(name);
    String problem = id == null ? null : WireText.idProblem(id);
    if (problem != null) {
      throw invalid(
          "argument " + name + ": " + problem + "; write a node id as its agent reports it");
    }
    return id;
  }

  String path(String name) {
    String path = text(name);
    String problem = path == null ? null : WireText.pathProblem(path);
    if (problem != null) {
      throw invalid("argument " + name + ": " + problem);
    }
    return path;
  }

  /** A whole-number or fractional argument within [min, max], else {@code fallback}. */
  double number(String name, double min, double max, double fallback) {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.doubleValue();
    }
    throw invalid("argument " + name + ": write a number from " + fmt(min) + " to " + fmt(max));
  }

  boolean bool(String name, boolean fallback) {
    Object v = values.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw invalid("argument " + name + ": write true or false");
  }

  /** For the rotation filters: a value as the HTTP API's query parameter would carry it. */
  String asQueryText(String name) {
    Object v = values.get(name);
    if (v instanceof Number n) {
      return n.toString().replaceAll("\\.0$", "");
    }
    return text(name);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
