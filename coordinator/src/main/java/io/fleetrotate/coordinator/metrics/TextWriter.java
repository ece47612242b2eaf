package io.fleetrotate.coordinator.metrics;

import java.nio.charset.StandardCharsets;

/**
 * Writes Prometheus text format (0.0.4) samples straight into an {@link Exposition}. The per-node
 * families write a name and a label set already encoded ({@link NodeLabelSets}) and the value, so a
 * line costs two array copies and the digits.
 */
final class TextWriter {
  private final Exposition out;

  TextWriter(Exposition out) {
    this.out = out;
  }

  void family(NodeFamily f) {
    family(f.metric, f.type, f.help);
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

  /** One sample of a per-node family; {@code labels} from {@link #labelSet}. */
  void sample(NodeFamily f, byte[] labels, double value) {
    out.write(f.name, 0, f.name.length);
    out.write(labels, 0, labels.length);
    out.write(' ');
    out.number(value);
    out.write('\n');
  }

  /** How many bytes have been written: a position for {@link #since}. */
  long position() {
    return out.length();
  }

  /** A copy of what was written from {@code position} on, to be {@link #repeat}ed. */
  byte[] since(long position) {
    return out.copySince(position);
  }

  /** Writes again, as they were, lines copied by {@link #since}. */
  void repeat(byte[] lines) {
    out.write(lines, 0, lines.length);
  }

  /** One sample; {@code labels} alternates names and values. */
  void sample(String name, double value, String... labels) {
    out.ascii(name);
    if (labels.length > 0) {
      byte[] set = labelSet(labels);
      out.write(set, 0, set.length);
    }
    out.write(' ');
    out.number(value);
    out.write('\n');
  }

  /**
   * {@code {name="value",...}} in UTF-8; {@code pairs} alternates names and values. Label values
   * come from agents: backslash, quote and line feed are escaped as the format says, any other
   * control character and any unpaired surrogate become '?', so a scrape shows no raw control
   * characters.
   */
  static byte[] labelSet(String... pairs) {
    StringBuilder e = new StringBuilder(64).append('{');
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        e.append(',');
      }
      e.append(pairs[i]).append("=\"");
      escape(pairs[i + 1], e);
      e.append('"');
    }
    return e.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void escape(String s, StringBuilder e) {
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
  }
}
