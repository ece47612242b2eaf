package io.fleetrotate.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of the configuration, with its key path and the line it starts on (the line of
 * the key that holds it), so that a missing key can be reported where it should have been.
 *
 * <p>Duplicate keys are reported here (SnakeYAML only checks them when constructing Java objects,
 * which this loader never does). Merge keys ({@code <<: *defaults}) are honoured, keys written
 * beside them winning, so that files can share settings through an anchor.
 */
public final class YamlMap {
  private final String path;
  private final int line;
  private final ReadContext ctx;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private record Entry(int keyLine, Node value) {}

  private YamlMap(String path, int line, ReadContext ctx) {
    this.path = path;
    this.line = line;
    this.ctx = ctx;
  }

  /** A mapping with no keys: what an absent section reads as, so its defaults apply. */
  public static YamlMap empty(String path, int line, ReadContext ctx) {
    return new YamlMap(path, line, ctx);
  }

  public static YamlMap of(MappingNode node, String path, int line, ReadContext ctx) {
    YamlMap map = new YamlMap(path, line, ctx);
    List<Node> merges = new ArrayList<>();
    for (NodeTuple tuple : node.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        ctx.error(
            YamlValue.lineOf(tuple.getKeyNode()),
            path,
            "keys must be plain words, not a list or a mapping");
        continue;
      }
      if (Tag.MERGE.equals(key.getTag())) {
        merges.add(tuple.getValueNode());
        continue;
      }
      int keyLine = YamlValue.lineOf(key);
      Entry first = map.entries.get(key.getValue());
      if (first != null) {
        ctx.error(
            keyLine,
            map.childPath(key.getValue()),
            "duplicate key; first written at line " + first.keyLine() + ", keep only one");
        continue;
      }
      map.entries.put(key.getValue(), new Entry(keyLine, tuple.getValueNode()));
    }
    for (Node merge : merges) {
      List<Node> sources = merge instanceof SequenceNode s ? s.getValue() : List.of(merge);
      for (Node source : sources) {
        if (source instanceof MappingNode m) {
          YamlMap merged = of(m, path, YamlValue.lineOf(m), ctx);
          merged.entries.forEach(map.entries::putIfAbsent);
        } else {
          ctx.error(
              YamlValue.lineOf(source),
              path,
              "<< merges a mapping (or a list of them) into this one, e.g. <<: *defaults");
        }
      }
    }
    return map;
  }

  public String path() {
    return path;
  }

  public int line() {
    return line;
  }

  public String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public Set<String> keys() {
    return entries.keySet();
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The line of {@code key}, or of this mapping when the key is absent. */
  public int keyLine(String key) {
    Entry e = entries.get(key);
    return e == null ? line : e.keyLine();
  }

  /**
   * Reports every key not in {@code known}, suggesting the closest known key. With {@code
   * extensions}, keys starting with {@code x-} are allowed and ignored, to hold YAML anchors.
   */
  public void allowOnly(Collection<String> known, boolean extensions) {
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      String key = e.getKey();
      if (known.contains(key) || (extensions && key.startsWith("x-"))) {
        continue;
      }
      String message =
          Suggestions.closest(key, known)
              .map(k -> "unknown key; did you mean " + k + "?")
              .orElse("unknown key; allowed here: " + String.join(", ", known));
      ctx.error(e.getValue().keyLine(), childPath(key), message);
    }
  }

  public void allowOnly(Collection<String> known) {
    allowOnly(known, false);
  }

  public Optional<YamlValue> value(String key) {
    Entry e = entries.get(key);
    return e == null
        ? Optional.empty()
        : Optional.of(new YamlValue(e.value(), childPath(key), e.keyLine(), ctx));
  }

  public <T> Optional<T> get(String key, ScalarType<T> type) {
    return value(key).flatMap(v -> v.as(type));
  }

  /** The value of {@code key}, or {@code fallback} when absent (or wrong, which is reported). */
  public <T> T get(String key, ScalarType<T> type, T fallback) {
    return get(key, type).orElse(fallback);
  }

  /** The value of a key that must be written. */
  public <T> Optional<T> require(String key, ScalarType<T> type) {
    if (!has(key)) {
      missing(key, "write " + type.expected());
      return Optional.empty();
    }
    return get(key, type);
  }

  /** A nested mapping; an absent one reads as empty, at this mapping's line. */
  public YamlMap section(String key) {
    return value(key)
        .flatMap(v -> v.asMap("a mapping of keys"))
        .orElseGet(() -> empty(childPath(key), line, ctx));
  }

  /** A nested mapping, only when written. */
  public Optional<YamlMap> optionalSection(String key) {
    return value(key).flatMap(v -> v.asMap("a mapping of keys"));
  }

  public void missing(String key, String whatToWrite) {
    ctx.error(line, childPath(key), "missing; " + whatToWrite);
  }

  /** Reports a mistake about {@code key} as a whole, at its line. */
  public void error(String key, String message) {
    ctx.error(keyLine(key), childPath(key), message);
  }

  /** Reports a mistake about this mapping as a whole, at its line. */
  public void error(String message) {
    ctx.error(line, path, message);
  }
}
