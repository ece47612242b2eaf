package io.fleetrotate.agent.migrate;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the postrotate scripts that only signal the writer whose pid is in a file, such as
 * {@code kill -HUP $(cat /run/x.pid)}, {@code [ -f /run/x.pid ] && kill -USR1 `cat /run/x.pid`} or
 * the same inside {@code if ...; then ...; fi}. Anything else stays a script.
 */
final class SignalScript {
  /** A recognised script: send {@code signal} (agent spelling, e.g. HUP) to the pid in the file. */
  record Signal(String signal, String pidFile) {}

  /** Signals the agent accepts for a reopen (the others stop or kill the writer). */
  private static final List<String> SIGNALS =
      List.of("HUP", "USR1", "USR2", "INT", "QUIT", "TERM", "WINCH", "ALRM", "CONT");

  private static final Map<String, String> NUMBERED =
      Map.of("1", "HUP", "10", "USR1", "12", "USR2");

  private static final String DEVNULL =
      "(?:\\s*(?:[12]?>\\s*/dev/null|>\\s*/dev/null\\s+2>&1|&>\\s*/dev/null))";
  private static final String PID_FILE = "(/[^\\s`'\"$();&|]+)";
  private static final String CAT = "cat\\s+" + PID_FILE + DEVNULL + "*\\s*";
  private static final String KILL =
      "(?:/usr/bin/|/bin/)?kill\\s+(?:-s\\s+)?-?(?:SIG)?([A-Z0-9]+)\\s+"
          + "\"?(?:\\$\\(\\s*"
          + CAT
          + "\\)|`\\s*"
          + CAT
          + "`)\"?"
          + DEVNULL
          + "*"
          + "(?:\\s*\\|\\|\\s*(?:true|:))?";
  private static final String GUARD =
      "(?:\\[\\s+-[fesr]\\s+\"?"
          + PID_FILE
          + "\"?\\s+\\]|test\\s+-[fesr]\\s+\"?"
          + PID_FILE
          + "\"?)";
  private static final Pattern PLAIN =
      Pattern.compile("(?:" + GUARD + "\\s*&&\\s*)?" + KILL + ";?");
  private static final Pattern IF =
      Pattern.compile("if\\s+" + GUARD + "\\s*;?\\s*then\\s+" + KILL + "\\s*;?\\s*fi;?");

  private SignalScript() {}

  static Optional<Signal> recognise(String script) {
    StringBuilder joined = new StringBuilder();
    for (String line : script.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      joined.append(joined.length() == 0 ? "" : " ").append(l);
    }
    String s = joined.toString();
    Matcher plain = PLAIN.matcher(s);
    if (plain.matches()) {
      return signal(plain.group(1), plain.group(2), plain.group(3), plain.group(4), plain.group(5));
    }
    Matcher m = IF.matcher(s);
    if (m.matches()) {
      return signal(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
    }
    return Optional.empty();
  }

  private static Optional<Signal> signal(
      String guard1, String guard2, String name, String cat1, String cat2) {
    String guard = guard1 != null ? guard1 : guard2;
    String pidFile = cat1 != null ? cat1 : cat2;
    if (guard != null && !guard.equals(pidFile)) {
      return Optional.empty();
    }
    String signal = NUMBERED.getOrDefault(name, name);
    if (!SIGNALS.contains(signal)) {
      return Optional.empty();
    }
    return Optional.of(new Signal(signal, pidFile));
  }
}
