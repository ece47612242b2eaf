package io.fleetrotate.chaos.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile as a list of stages of instructions: comments and blank lines dropped, lines joined
 * at a trailing backslash. Enough for the checks the tests make; not a full Dockerfile parser (no
 * heredocs, no escape directive).
 */
record DockerfileParser(Path file, List<Stage> stages) {

  record Instruction(int line, String keyword, String arguments) {
    /** The arguments of an exec form ({@code ["a", "b"]}), or null for a shell form. */
    List<String> execForm() {
      String a = arguments.trim();
      if (!a.startsWith("[")) {
        return null;
      }
      try {
        return List.of(new ObjectMapper().readValue(a, String[].class));
      } catch (IOException e) {
        throw new AssertionError("line " + line + ": not a JSON array: " + a, e);
      }
    }

    /** The words of the arguments, split on white space. */
    List<String> words() {
      return List.of(arguments.trim().split("\\s+"));
    }
  }

  record Stage(String image, String name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Instruction last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? null : found.get(found.size() - 1);
    }
  }

  static DockerfileParser parse(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Stage> stages = new ArrayList<>();
    List<Instruction> current = null;
    StringBuilder pending = null;
    int start = 0;
    for (int n = 0; n < lines.size(); n++) {
      String raw = lines.get(n);
      String trimmed = raw.trim();
      if (pending == null && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (pending != null && trimmed.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (pending == null) {
        pending = new StringBuilder();
        start = n + 1;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String text = pending.toString().trim();
      pending = null;
      int space = text.indexOf(' ');
      String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
      String args = space < 0 ? "" : text.substring(space + 1).trim();
      Instruction instruction = new Instruction(start, keyword, args);
      if (keyword.equals("FROM")) {
        String[] words = args.split("\\s+");
        String name = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
        current = new ArrayList<>();
        stages.add(new Stage(words[0], name, current));
      } else if (current == null) {
        if (!keyword.equals("ARG")) {
          throw new AssertionError(file + ":" + start + ": " + keyword + " before the first FROM");
        }
        continue;
      }
      current.add(instruction);
    }
    if (pending != null) {
      throw new AssertionError(file + ": the last instruction ends with a backslash");
    }
    return new DockerfileParser(file, List.copyOf(stages));
  }

  Stage finalStage() {
    return stages.get(stages.size() - 1);
  }
}
