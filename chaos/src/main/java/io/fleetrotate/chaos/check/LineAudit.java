package io.fleetrotate.chaos.check;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Where every sequence-numbered line a writer wrote ended up: read from the live log, its rotated
 * backups and their compressed forms ({@code .gz}, {@code .zst}), counting the numbers of {@code
 * 1..lastSeq} found nowhere and those found more than once. The same accounting as {@code
 * shared/tools/count-lost.py}, in Java so that the suite runs without it.
 *
 * @param written the last sequence number the writer reported
 * @param missing numbers of 1..written found in no file
 * @param duplicated numbers found more than once
 * @param dropped numbers the writer itself could not write (a full disk), not counted as missing
 * @param floor the lowest number found in any file ({@code written + 1} when none is): every number
 *     below it is missing, as retention leaves it once it deleted the oldest backups
 * @param missingBelowFloor the missing numbers below the floor (part of {@code missing})
 * @param files the files read
 * @param someMissing the first few numbers from the floor on found nowhere, to start a diagnosis
 *     from
 */
public record LineAudit(
    long written,
    long missing,
    long duplicated,
    long dropped,
    long floor,
    long missingBelowFloor,
    List<Path> files,
    List<Long> someMissing) {
  private static final String SEQ = "\"seq\":";

  /** An audit whose missing numbers all lie at or above a floor of 1. */
  public LineAudit(long written, long missing, long duplicated, List<Path> files) {
    this(written, missing, duplicated, 0, 1, 0, files, List.of());
  }

  /** Numbers {@code from..to} the writer reported it could not write. */
  public record Range(long from, long to) {}

  /**
   * Audits {@code log} and every finished backup beside it ({@code <name>.*}, temporaries {@code
   * *.tmp} excluded).
   */
  public static LineAudit of(Path log, long written) {
    return of(log, written, List.of());
  }

  /** As {@link #of(Path, long)}, not counting the ranges the writer dropped as missing. */
  public static LineAudit of(Path log, long written, List<Range> dropped) {
    String prefix = log.getFileName() + ".";
    List<Path> files;
    try (Stream<Path> s = Files.list(log.getParent())) {
      files =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.equals(log.getFileName().toString())
                        || (n.startsWith(prefix) && !n.endsWith(".tmp"));
                  })
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(files, written, dropped);
  }

  /** Audits exactly these files. */
  public static LineAudit of(List<Path> files, long written) {
    return of(files, written, List.of());
  }

  /** Audits exactly these files, not counting the dropped ranges as missing. */
  public static LineAudit of(List<Path> files, long written, List<Range> dropped) {
    BitSet seen = new BitSet();
    BitSet twice = new BitSet();
    for (Path f : files) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(open(f), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          long seq = seqOf(line);
          if (seq < 1 || seq > Integer.MAX_VALUE) {
            continue;
          }
          int i = (int) seq;
          if (seen.get(i)) {
            twice.set(i);
          } else {
            seen.set(i);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    BitSet droppedSet = new BitSet();
    for (Range r : dropped) {
      droppedSet.set((int) Math.max(1, r.from()), (int) Math.min(Integer.MAX_VALUE, r.to() + 1));
    }
    BitSet expected = new BitSet();
    if (written > 0) {
      expected.set(1, (int) written + 1);
    }
    expected.andNot(droppedSet);
    long expectedCount = expected.cardinality();
    int lowestSeen = seen.nextSetBit(1);
    int floor = lowestSeen < 0 || lowestSeen > written ? (int) written + 1 : lowestSeen;
    BitSet lost = (BitSet) expected.clone();
    lost.andNot(seen);
    List<Long> someMissing = new java.util.ArrayList<>();
    for (int i = lost.nextSetBit(floor);
        i >= 0 && someMissing.size() < 5;
        i = lost.nextSetBit(i + 1)) {
      someMissing.add((long) i);
    }
    long missingBelowFloor = lost.get(1, floor).cardinality();
    expected.and(seen);
    long found = expected.cardinality();
    return new LineAudit(
        written,
        expectedCount - found,
        twice.cardinality(),
        droppedSet.get(1, (int) Math.max(1, written + 1)).cardinality(),
        floor,
        missingBelowFloor,
        files,
        someMissing);
  }

  private static InputStream open(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    String n = f.getFileName().toString();
    if (n.endsWith(".gz")) {
      return new GZIPInputStream(in, 64 * 1024);
    }
    if (n.endsWith(".zst")) {
      return new ZstdInputStream(in);
    }
    return in;
  }

  /**
   * The number after {@code "seq":} in a whole line, or -1. A line a full disk cut short (no
   * closing {@code }}, or the digits cut off) is not a record: {@code "seq":17} cut from {@code
   * "seq":1761,...} must not count as line 17.
   */
  static long seqOf(String line) {
    if (!line.stripTrailing().endsWith("}")) {
      return -1;
    }
    int s = line.indexOf(SEQ);
    if (s < 0) {
      return -1;
    }
    int b = s + SEQ.length();
    while (b < line.length() && line.charAt(b) == ' ') {
      b++;
    }
    int e = b;
    while (e < line.length() && Character.isDigit(line.charAt(e)) && e - b < 18) {
      e++;
    }
    if (e == b || e >= line.length() || (line.charAt(e) != ',' && line.charAt(e) != '}')) {
      return -1;
    }
    return Long.parseLong(line, b, e, 10);
  }

  /** The missing numbers from the floor on, which no deletion of the oldest backups explains. */
  public long missingFromFloor() {
    return missing - missingBelowFloor;
  }

  public boolean exact() {
    return missing == 0 && duplicated == 0;
  }
}
