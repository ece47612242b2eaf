package io.fleetrotate.agent.reopen;

import com.sun.jna.LastErrorException;
import io.fleetrotate.agent.os.LibC;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Signal numbers and libc {@code kill(2)}. Java has no way to send SIGHUP or SIGUSR1 to another
 * process, and forking {@code kill} for each rotation adds a failure mode, so the agent calls libc
 * through JNA.
 */
final class LinuxSignals {

  static final int EPERM = 1;
  static final int ESRCH = 3;

  /** The one known signal whose default action is to do nothing. */
  static final int SIGWINCH = 28;

  // From asm-generic/signal.h: the same on x86_64 and aarch64, not on alpha, mips or sparc.
  private static final Map<String, Integer> NUMBERS =
      Map.of(
          "HUP", 1, "INT", 2, "QUIT", 3, "USR1", 10, "USR2", 12, "ALRM", 14, "TERM", 15, "WINCH",
          28);

  private LinuxSignals() {}

  /** The number of a signal named {@code HUP}, {@code SIGHUP} or {@code hup}. */
  static Optional<Integer> number(String name) {
    String bare = name.strip().toUpperCase(Locale.ROOT);
    if (bare.startsWith("SIG")) {
      bare = bare.substring(3);
    }
    return Optional.ofNullable(NUMBERS.get(bare));
  }

  /** The canonical name, {@code HUP} for {@code SIGHUP}; call only after {@link #number}. */
  static String canonicalName(String name) {
    String bare = name.strip().toUpperCase(Locale.ROOT);
    return bare.startsWith("SIG") ? bare.substring(3) : bare;
  }

  static String knownNames() {
    return String.join(", ", new TreeSet<>(NUMBERS.keySet()));
  }

  /** Sends a signal; returns 0, or the errno {@code kill(2)} failed with. */
  static int kill(long pid, int signal) {
    try {
      LibC.INSTANCE.kill((int) pid, signal);
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }
}
