package io.fleetrotate.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How the writer of a log is made to write to a fresh file after the rotation ({@code
 * files[].reopen}), one record per {@code method}. A file written without a {@code reopen} section
 * gets {@link CopyTruncate}: it works with any writer, at the price of a small window in which
 * lines written between the copy and the truncation are lost.
 */
public sealed interface ReopenConfig {
  /** The file's reopen when none is written. */
  ReopenConfig DEFAULT = new CopyTruncate();

  /**
   * The {@code method} as written in the configuration: {@code signal}, {@code http}, ... Each
   * record is named for its method, so this is the record's name in lower case.
   */
  default String methodName() {
    return getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /**
   * Rename the log, then send a signal to the writer, which reopens its log on it.
   *
   * @param signal the signal name without {@code SIG}, upper case: HUP (default), USR1, USR2, ...
   * @param pid the writer's process id; set exactly when {@code pidFile} is not
   * @param pidFile a file holding the writer's process id, read at each rotation
   */
  record Signal(String signal, OptionalLong pid, Optional<Path> pidFile) implements ReopenConfig {
    public Signal {
      Objects.requireNonNull(signal, "signal");
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(pidFile, "pidFile");
      if (pid.isPresent() == pidFile.isPresent()) {
        throw new IllegalArgumentException("a signal reopen needs exactly one of pid and pidFile");
      }
    }
  }

  /**
   * Rename the log, then call an HTTP endpoint of the writer; any 2xx answer means reopened.
   *
   * @param url http or https
   * @param httpMethod GET, POST (default) or PUT; written {@code httpMethod} because {@code method}
   *     names the reopen method
   * @param timeout how long to wait for the answer (default 10s)
   */
  record Http(URI url, String httpMethod, Duration timeout) implements ReopenConfig {
    public Http {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(httpMethod, "httpMethod");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /**
   * Rename the log, then run a command (no shell); exit status 0 means reopened.
   *
   * @param argv the program and its arguments, at least the program
   * @param timeout how long the command may run before it is killed (default 30s)
   */
  record Command(List<String> argv, Duration timeout) implements ReopenConfig {
    public Command {
      argv = List.copyOf(argv);
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("a command reopen needs a program");
      }
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /** Copy the log to the backup, then truncate it in place; the writer notices nothing. */
  record CopyTruncate() implements ReopenConfig {}

  /**
   * Like {@link CopyTruncate}, the log keeps its inode and the writer its descriptor; the copied
   * range is then cut from the front of the log in place (fallocate collapse-range), so lines
   * written during the copy stay. Needs a file system that supports it (ext4, XFS).
   */
  record Collapse() implements ReopenConfig {}

  /** Rename the log and do nothing else: the writer opens a new file by itself. */
  record None() implements ReopenConfig {}
}
