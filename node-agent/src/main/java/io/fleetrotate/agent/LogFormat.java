package io.fleetrotate.agent;

import java.util.List;
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

  /** A log format that is neither text nor json: the message is the one sentence to print. */
  static final class UnknownFormat extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownFormat(String source, String value) {
      super(source + " \"" + value + "\" is not a log format; allowed values: text, json.");
    }
  }

  /**
   * {@value #OPTION} on the command line, else {@value #ENV}, else text when a terminal is attached
   * and JSON otherwise.
   *
   * @throws UnknownFormat when the option or the variable names neither format
   */
  static String choose(String[] args, Map<String, String> env) throws UnknownFormat {
    List<String> a = List.of(args);
    for (int i = 0; i < a.size(); i++) {
      String arg = a.get(i);
      if (arg.startsWith(OPTION + "=")) {
        return known(OPTION, arg.substring(OPTION.length() + 1));
      }
      if (arg.equals(OPTION) && i + 1 < a.size()) {
        return known(OPTION, a.get(i + 1));
      }
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return known(ENV, fromEnv);
    }
    return System.console() != null ? Format.text.name() : Format.json.name();
  }

  private static String known(String source, String value) throws UnknownFormat {
    // Exactly as the option's parser takes it (case-sensitive).
    for (Format f : Format.values()) {
      if (f.name().equals(value)) {
        return value;
      }
    }
    throw new UnknownFormat(source, value);
  }
}
