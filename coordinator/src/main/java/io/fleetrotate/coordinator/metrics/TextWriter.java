package io.fleetrotate.coordinator.metrics;

/**
 * Writes Prometheus text format (0.0.4) samples straight into an {@link Exposition}, without
 * building objects per sample.
 */
final class TextWriter {
  private final Exposition out;
  private final StringBuilder escaped = new StringBuilder();

  TextWriter(Exposition out) {
    this.out = out;
  }

  /** Names, types and help texts are the coordinator's own, in ASCII. */
  void family(String name, String type, String help) {
    out.ascii("# HELP ");
    out.ascii(name);
    out.write(' ');
    out.ascii(help);
    out.ascii("\n# TYPE ");
    out.ascii(name);
    out.write(' ');
    out.ascii(type);
    out.write('\n');
  }

  /** One sample; {@code labels} alternates names and values. */
  void sample(String name, double value, String... labels) {
    out.ascii(name);
    if (labels.length > 0) {
      out.write('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (i > 0) {
          out.write(',');
        }
        out.ascii(labels[i]);
        out.ascii("=\"");
        escape(labels[i + 1]);
        out.write('"');
      }
      out.write('}');
    }
    out.write(' ');
    value(value);
    out.write('\n');
  }

  private void value(double v) {
    if (Double.isNaN(v)) {
      out.ascii("NaN");
    } else if (Double.isInfinite(v)) {
      out.ascii(v > 0 ? "+Inf" : "-Inf");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      out.number((long) v);
    } else {
      out.ascii(Double.toString(v));
    }
  }

  /**
   * Label values come from agents: backslash, quote and line feed are escaped as the format says,
   * any other control character and any unpaired surrogate become '?', so a scrape shows no raw
   * control characters.
   */
  private void escape(String s) {
    if (isPlain(s)) {
      out.ascii(s);
      return;
    }
    StringBuilder e = escaped;
    e.setLength(0);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> e.append("\\\\");
        case '"' -> e.append("\\\"");
        case '\n' -> e.append("\\n");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            e.append(c).append(s.charAt(++i));
          } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
            e.append('?');
          } else {
            e.append(c);
          }
        }
      }
    }
    out.text(e.toString());
  }

  /** ASCII that needs no escape: written as it is. */
  private static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x7f || c < 0x20 || c == '\\' || c == '"') {
        return false;
      }
    }
    return true;
  }
}
