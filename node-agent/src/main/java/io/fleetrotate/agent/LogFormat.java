package io.fleetrotate.agent;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the agent's logs look: text for a person at a terminal, JSON (one object per line) for a log
 * collector. Chosen before the first logger exists, because the logging configuration reads it.
 */
final class LogFormat {
  static final String OPTION = "--log-format";
  static final String ENV = "FLEETROTATE_LOG_FORMAT";

  enum Format {
    json,
    text
  }

  private LogFormat() {}

  /**
   * {@value #OPTION} on the command line, else {@value #ENV}, else text when a terminal is attached
   * and JSON otherwise. A value that is neither is left to the option's parser, which names it.
   */
  static String choose(String[] args, Map<String, String> env) {
    List<String> a = List.of(args);
    for (int i = 0; i < a.size(); i++) {
      String arg = a.get(i);
      if (arg.startsWith(OPTION + "=")) {
        return known(arg.substring(OPTION.length() + 1));
      }
      if (arg.equals(OPTION) && i + 1 < a.size()) {
        return known(a.get(i + 1));
      }
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return known(fromEnv);
    }
    return System.console() != null ? Format.text.name() : Format.json.name();
  }

  private static String known(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return Format.text.name().equals(v) ? v : Format.json.name();
  }
}
