package io.fleetrotate.chaos.fleet;

import java.util.HashMap;
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
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      if (labels.test(labels(m.group(3)))) {
        total += Double.parseDouble(m.group(4));
      }
    }
    return total;
  }

  /** The sums of {@code name} by the value of {@code label}, over samples that pass the filter. */
  public static Map<String, Double> sumBy(
      String text, String name, String label, Predicate<Map<String, String>> filter) {
    Map<String, Double> sums = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> l = labels(m.group(3));
      if (filter.test(l) && l.containsKey(label)) {
        sums.merge(l.get(label), Double.parseDouble(m.group(4)), Double::sum);
      }
    }
    return sums;
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
