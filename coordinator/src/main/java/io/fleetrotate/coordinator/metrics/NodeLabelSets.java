package io.fleetrotate.coordinator.metrics;

import io.fleetrotate.coordinator.fleet.RotationCount;
import java.util.List;
import java.util.Objects;

/**
 * One node's label sets, {@code {node="...",...}} as bytes, encoded once and reused by every scrape
 * while the values stay the same (and its rotation count lines, while its counts stay the same). At
 * ten thousand nodes a scrape writes some fifty thousand per-node samples, and checking, escaping
 * and copying each label value again cost more than the rest of the line. The fleet state shares a
 * node's strings from one heartbeat to the next, so the check is mostly a reference comparison.
 * Used under {@link CoordinatorMetrics}' render lock.
 */
final class NodeLabelSets {
  private static final String[] NO_VALUES = {};

  private final String node;

  /** Per family, per sample index (the node's disk, file or count): its values and bytes. */
  private final Entry[][] byFamily = new Entry[NodeFamily.values().length][];

  /** The scrape that last used this node's sets: sets of nodes gone from the fleet are dropped. */
  long scrape;

  /**
   * The node's {@code fleetrotate_rotations_total} lines as the last scrape wrote them, and the
   * counts they were written from: the fleet state's immutable list, a new one whenever a count
   * changes, so while it is the same list the lines are too. Most nodes' counts do not change
   * between two scrapes (a node rotates a few times an hour), and writing the lines again from the
   * counts cost more per node than the rest of its series.
   */
  private List<RotationCount> rotationsWrittenFrom;

  private byte[] rotationLines;

  private record Entry(String a, String b, String c, byte[] bytes) {}

  NodeLabelSets(String node) {
    this.node = node;
  }

  /**
   * The label set of sample {@code index} of {@code family}: {@code node}, then the family's labels
   * with the values {@code a}, {@code b}, {@code c} (as many as it has; the rest null).
   */
  byte[] get(NodeFamily family, int index, String a, String b, String c) {
    Entry[] entries = byFamily[family.ordinal()];
    if (entries == null || entries.length <= index) {
      Entry[] grown = new Entry[index + 1];
      if (entries != null) {
        System.arraycopy(entries, 0, grown, 0, entries.length);
      }
      byFamily[family.ordinal()] = grown;
      entries = grown;
    }
    Entry e = entries[index];
    if (e == null
        || !Objects.equals(e.a, a)
        || !Objects.equals(e.b, b)
        || !Objects.equals(e.c, c)) {
      e = new Entry(a, b, c, encode(family, a, b, c));
      entries[index] = e;
    }
    return e.bytes;
  }

  /** The rotation lines written from {@code counts}, or null if they were written from others. */
  byte[] rotationLines(List<RotationCount> counts) {
    return counts == rotationsWrittenFrom ? rotationLines : null;
  }

  void rotationLines(List<RotationCount> counts, byte[] lines) {
    rotationsWrittenFrom = counts;
    rotationLines = lines;
  }

  private byte[] encode(NodeFamily family, String a, String b, String c) {
    String[] pairs = new String[2 + 2 * family.labels.length];
    pairs[0] = "node";
    pairs[1] = node;
    String[] values = family.labels.length == 0 ? NO_VALUES : new String[] {a, b, c};
    for (int i = 0; i < family.labels.length; i++) {
      pairs[2 + 2 * i] = family.labels[i];
      pairs[3 + 2 * i] = values[i];
    }
    return TextWriter.labelSet(pairs);
  }
}
