package io.fleetrotate.agent.migrate;

import java.util.List;

/**
 * One logrotate directive as written: its name, its arguments, the script body for {@code
 * postrotate} and its kin (empty otherwise), and where it was written.
 */
record Directive(String name, List<String> args, String script, Origin origin) {
  Directive {
    args = List.copyOf(args);
  }

  String arg(int i) {
    return i < args.size() ? args.get(i) : "";
  }

  /** The directive as it reads in the file, on one line, for comments. */
  String text() {
    return args.isEmpty() ? name : name + " " + String.join(" ", args);
  }
}
