package io.fleetrotate.chaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetrotate.chaos.scenario.ScenarioResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The suite's report: {@code chaos-report.json} ({@code {"seed", "profile", "scenarios": [{"name",
 * "status", "rotations", "faults", "violations", "seconds", ...}]}}) and {@code chaos-report.md}, a
 * table of the same, beside it.
 */
public record ChaosReport(
    long seed, String profile, double seconds, List<ScenarioResult> scenarios) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public long rotations() {
    return scenarios.stream().mapToLong(ScenarioResult::rotations).sum();
  }

  public long violations() {
    return scenarios.stream().mapToLong(s -> s.violations().size()).sum();
  }

  /**
   * Whether the command must exit non-zero: a violation, or a scenario the harness could not
   * finish.
   */
  public boolean failed() {
    return scenarios.stream().anyMatch(ScenarioResult::bad);
  }

  public String json() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("seed", seed);
    root.put("profile", profile);
    root.put("seconds", Math.round(seconds));
    root.put("rotations", rotations());
    root.put("violations", violations());
    root.put("passed", !failed());
    ArrayNode list = root.putArray("scenarios");
    for (ScenarioResult s : scenarios) {
      ObjectNode o = list.addObject();
      o.put("name", s.name());
      o.put("status", s.status().name());
      o.put("rotations", s.rotations());
      o.put("events", s.events());
      s.faults().forEach(o.putArray("faults")::add);
      s.violations().forEach(o.putArray("violations")::add);
      s.notes().forEach(o.putArray("notes")::add);
      o.put("seconds", Math.round(s.seconds() * 10) / 10.0);
    }
    return JSON.writeValueAsString(root) + "\n";
  }

  public String markdown() {
    StringBuilder m = new StringBuilder();
    m.append("# fleetrotate chaos report\n\n");
    m.append("Seed ").append(seed).append(", profile ").append(profile);
    m.append(", ").append(Math.round(seconds)).append(" s, ").append(rotations());
    m.append(" rotations, ").append(violations()).append(" violations: ");
    long notRun =
        scenarios.stream().filter(x -> x.status() == ScenarioResult.Status.NOT_RUN).count();
    m.append(failed() ? "**FAILED**" : notRun == 0 ? "passed" : "passed, " + notRun + " not run");
    m.append(".\n\n");
    m.append("| scenario | status | rotations | faults | violations | seconds |\n");
    m.append("|---|---|---:|---:|---:|---:|\n");
    for (ScenarioResult s : scenarios) {
      m.append("| ").append(s.name()).append(" | ").append(s.status());
      m.append(" | ").append(s.rotations()).append(" | ").append(s.faults().size());
      m.append(" | ").append(s.violations().size());
      m.append(" | ").append(Math.round(s.seconds())).append(" |\n");
    }
    for (ScenarioResult s : scenarios) {
      if (s.violations().isEmpty() && s.notes().isEmpty()) {
        continue;
      }
      m.append("\n## ").append(s.name()).append("\n\n");
      s.violations().forEach(v -> m.append("- violation: ").append(escape(v)).append('\n'));
      s.notes().forEach(n -> m.append("- note: ").append(escape(n)).append('\n'));
    }
    return m.toString();
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }

  /** Writes both files into {@code dir}; returns the JSON's path. */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve("chaos-report.json");
    Files.writeString(json, json());
    Files.writeString(dir.resolve("chaos-report.md"), markdown());
    return json;
  }
}
