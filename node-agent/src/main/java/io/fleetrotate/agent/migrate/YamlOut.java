package io.fleetrotate.agent.migrate;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the block-style YAML of the imported configuration. Every string is double-quoted and
 * escaped, and {@code ${} is written {@code $${}, so that no value is read back as a variable
 * reference or as YAML structure.
 */
final class YamlOut {
  private final StringBuilder out = new StringBuilder();

  YamlOut comment(int indent, String text) {
    out.append(" ".repeat(indent)).append("# ").append(oneLine(text)).append('\n');
    return this;
  }

  YamlOut line(int indent, String text, String comment) {
    out.append(" ".repeat(indent)).append(text);
    if (comment != null && !comment.isEmpty()) {
      out.append("  # ").append(oneLine(comment));
    }
    out.append('\n');
    return this;
  }

  YamlOut blank() {
    out.append('\n');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** A double-quoted YAML scalar holding exactly {@code s} after the agent's substitution. */
  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        case '\r' -> q.append("\\r");
        case '$' -> q.append(s.startsWith("${", i) ? "$$" : "$");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            q.append(String.format("\\x%02x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }

  static String flowList(List<String> items) {
    return items.stream().map(YamlOut::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
