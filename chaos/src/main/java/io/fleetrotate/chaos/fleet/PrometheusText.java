package io.fleetrotate.chaos.fleet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of the Prometheus text format, enough for the counters the checks compare. */
public final class PrometheusText {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {}

  /** The sum of every sample of {@code name} whose labels pass {@code labels}. */
  public static double sum(String text, String name, Predicate<Map<String, String>> labels) {
    return samples(text, name).stream()
        .filter(s -> labels.test(s.labels()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /** The sums of {@code name} by the value of {@code label}, over samples that pass the filter. */
  public static Map<String, Double> sumBy(
      String text, String name, String label, Predicate<Map<String, String>> filter) {
    Map<String, Double> sums = new HashMap<>();
    for (Sample s : samples(text, name)) {
      if (filter.test(s.labels()) && s.labels().containsKey(label)) {
        sums.merge(s.labels().get(label), s.value(), Double::sum);
      }
    }
    return sums;
  }

  private record Sample(Map<String, String> labels, double value) {}

  /** The samples of {@code name}, in the order of the text. */
  private static List<Sample> samples(String text, String name) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (m.matches() && m.group(1).equals(name)) {
        samples.add(new Sample(labels(m.group(3)), Double.parseDouble(m.group(4))));
      }
    }
    return samples;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new HashMap<>();
    if (text == null) {
      return labels;
    }
    Matcher m = LABEL.matcher(text);
    while (m.find()) {
      labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return labels;
  }
}
