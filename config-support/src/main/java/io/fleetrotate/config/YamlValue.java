package io.fleetrotate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML node, with its key path and line, read as the configuration expects. Every reading
 * method reports what is wrong to the {@link Problems} and returns empty, so the caller goes on and
 * the next mistake is found too.
 *
 * <p>Values are read from the node's text, not through YAML's own typing: {@code mode: 0640} stays
 * "0640" rather than becoming YAML 1.1's octal 416, and {@code on}/{@code no} stay words.
 *
 * @param node the node
 * @param path its key path, e.g. {@code files[1].trigger}
 * @param keyLine the line of the key holding this value, or of the list item: where a mapping read
 *     from this value reports its missing keys
 * @param ctx where mistakes go, and the environment to substitute from
 */
public record YamlValue(Node node, String path, int keyLine, ReadContext ctx) {
  public int line() {
    return lineOf(node);
  }

  public static int lineOf(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  public boolean isNull() {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** The scalar's text with environment references substituted. */
  public Optional<String> text(String expected) {
    return substituted(expected).map(Text::value);
  }

  /** The scalar read as {@code type}. */
  public <T> Optional<T> as(ScalarType<T> type) {
    Optional<Text> text = substituted(type.expected());
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(type.parse(text.get().value()));
    } catch (ValueFormatException e) {
      String from =
          text.get().raw().equals(text.get().value())
              ? ""
              : " (after substituting " + Sizes.quote(text.get().raw()) + ")";
      error(e.getMessage() + from);
      return Optional.empty();
    }
  }

  /** True when the node is a mapping, for values that may be written short or long. */
  public boolean isMapping() {
    return node instanceof MappingNode;
  }

  /** The node as a mapping; a key with no value reads as an empty mapping. */
  public Optional<YamlMap> asMap(String expected) {
    if (node instanceof MappingNode m) {
      return Optional.of(YamlMap.of(m, path, keyLine, ctx));
    }
    if (isNull()) {
      return Optional.of(YamlMap.empty(path, keyLine, ctx));
    }
    error("must be " + expected + ", not " + describe());
    return Optional.empty();
  }

  /** The node as a list of values, with their paths ({@code path[0]}, ...). */
  public Optional<List<YamlValue>> asList(String expected) {
    if (!(node instanceof SequenceNode s)) {
      error("must be " + expected + ", not " + describe());
      return Optional.empty();
    }
    List<YamlValue> items = new ArrayList<>();
    for (Node item : s.getValue()) {
      items.add(new YamlValue(item, path + "[" + items.size() + "]", lineOf(item), ctx));
    }
    return Optional.of(items);
  }

  public void error(String message) {
    ctx.error(line(), path, message);
  }

  private Optional<Text> substituted(String expected) {
    if (isNull()) {
      error("has no value; write " + expected + ", or remove the key");
      return Optional.empty();
    }
    if (!(node instanceof ScalarNode scalar)) {
      error("must be " + expected + ", not " + describe());
      return Optional.empty();
    }
    String raw = scalar.getValue();
    if (!EnvSubstitution.hasReferences(raw)) {
      return Optional.of(new Text(raw, raw));
    }
    try {
      return Optional.of(new Text(raw, ctx.env().apply(raw)));
    } catch (ValueFormatException e) {
      error(e.getMessage());
      return Optional.empty();
    }
  }

  private String describe() {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "the value " + Sizes.quote(((ScalarNode) node).getValue());
  }

  /** A scalar before and after substitution. */
  private record Text(String raw, String value) {}
}
