package io.fleetrotate.coordinator.metrics;

import java.nio.charset.StandardCharsets;

/**
 * Writes Prometheus text format (0.0.4) samples without building objects per sample, into an {@link
 * Exposition} in pieces of a few kilobytes; {@link #flush} after the last.
 */
final class TextWriter {
  private static final int FLUSH_CHARS = 16 * 1024;

  private final StringBuilder out = new StringBuilder(FLUSH_CHARS + 1024);
  private final Exposition sink;

  TextWriter(Exposition sink) {
    this.sink = sink;
  }

  /** Hands what is written so far to the exposition. */
  void flush() {
    sink.write(out.toString().getBytes(StandardCharsets.UTF_8));
    out.setLength(0);
  }

  void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** One sample; {@code labels} alternates names and values. */
  void sample(String name, double value, String... labels) {
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels[i]).append("=\"");
        escape(labels[i + 1]);
        out.append('"');
      }
      out.append('}');
    }
    out.append(' ');
    value(value);
    out.append('\n');
    if (out.length() >= FLUSH_CHARS) {
      flush();
    }
  }

  private void value(double v) {
    if (Double.isNaN(v)) {
      out.append("NaN");
    } else if (Double.isInfinite(v)) {
      out.append(v > 0 ? "+Inf" : "-Inf");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      out.append((long) v);
    } else {
      out.append(v);
    }
  }

  /**
   * Label values come from agents: backslash, quote and line feed are escaped as the format says,
   * any other control character and any unpaired surrogate become '?', so a scrape shows no raw
   * control characters.
   */
  private void escape(String s) {
    if (isPlain(s)) {
      out.append(s);
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
            out.append('?');
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  private static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '"' || Character.isISOControl(c) || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
