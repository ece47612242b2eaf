package io.fleetrotate.agent.reopen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Sends a signal (HUP, USR1, ...) to the MCP server, whose pid is either fixed or read from a pid
 * file on every call: a server restarted since the last rotation has a new pid.
 */
public final class SignalReopener implements Reopener {

  /** Sends a signal and returns 0 or the errno; a seam so tests can fake EPERM as root. */
  @FunctionalInterface
  interface SignalSender {
    int send(long pid, int signal);
  }

  // A pid is at most 7 digits on Linux; anything longer is not a pid file.
  private static final int PID_FILE_READ_LIMIT = 64;

  private final String signalName;
  private final int signalNumber;
  private final OptionalLong pid;
  private final Optional<Path> pidFile;
  private final SignalSender sender;

  /**
   * @param signalName {@code HUP}, {@code USR1}, {@code USR2}, ... with or without {@code SIG}
   * @param pid the server's pid; give this or {@code pidFile}, not both
   * @param pidFile a file holding the server's pid, read on every {@link #reopen()}
   * @throws IllegalArgumentException when the signal is unknown, both or neither of pid and pid
   *     file are given, or the pid is not positive
   */
  public SignalReopener(String signalName, OptionalLong pid, Optional<Path> pidFile) {
    this(signalName, pid, pidFile, LinuxSignals::kill);
  }

  SignalReopener(String signalName, OptionalLong pid, Optional<Path> pidFile, SignalSender sender) {
    Objects.requireNonNull(signalName, "signalName");
    this.signalNumber =
        LinuxSignals.number(signalName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "reopen signal \""
                            + signalName
                            + "\" is not one of "
                            + LinuxSignals.knownNames()
                            + "; use the signal the MCP server reopens its log on"));
    this.signalName = "SIG" + LinuxSignals.canonicalName(signalName);
    if (pid.isPresent() == pidFile.isPresent()) {
      throw new IllegalArgumentException(
          "a signal reopen needs exactly one of a pid or a pid file, got "
              + (pid.isPresent() ? "both" : "neither"));
    }
    // kill(2) with 0 or a negative pid signals whole process groups: never what was meant.
    if (pid.isPresent() && (pid.getAsLong() <= 0 || pid.getAsLong() > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "reopen pid must be a positive process id, got " + pid.getAsLong());
    }
    this.pid = pid;
    this.pidFile = pidFile;
    this.sender = sender;
  }

  @Override
  public void reopen() throws ReopenFailure {
    long target = pid.isPresent() ? pid.getAsLong() : readPid(pidFile.orElseThrow());
    String process = "process " + target + pidFile.map(f -> " from " + f).orElse("");
    if (target == ProcessHandle.current().pid()) {
      // The JVM treats SIGHUP as a shutdown request: signalling ourselves would stop the agent.
      throw new ReopenFailure(
          process + " is the agent itself; the pid must be the MCP server's, not the agent's");
    }
    if (!isRunning(target)) {
      throw notRunning(process);
    }
    int errno = sender.send(target, signalNumber);
    if (errno == 0) {
      return;
    }
    if (errno == LinuxSignals.ESRCH) {
      throw notRunning(process);
    }
    if (errno == LinuxSignals.EPERM) {
      throw new ReopenFailure(
          "the agent is not permitted to send "
              + signalName
              + " to "
              + process
              + "; run the agent as the MCP server's user or as root");
    }
    throw new ReopenFailure(
        "sending " + signalName + " to " + process + " failed with errno " + errno);
  }

  /**
   * Whether the process exists and has not exited. A zombie counts as alive for {@link
   * ProcessHandle} and accepts signals, yet will never reopen anything, so /proc is asked too.
   */
  private static boolean isRunning(long pid) {
    if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The state follows the command name, which is in parentheses and may hold anything.
      int afterName = stat.lastIndexOf(')');
      return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
    } catch (IOException e) {
      return !(e instanceof NoSuchFileException);
    }
  }

  private ReopenFailure notRunning(String process) {
    return new ReopenFailure(
        process
            + " is not running"
            + (pidFile.isPresent()
                ? "; the MCP server has stopped or left a stale pid file"
                : "; check the configured pid"));
  }

  private static long readPid(Path file) throws ReopenFailure {
    String text;
    try (InputStream in = Files.newInputStream(file)) {
      text = new String(in.readNBytes(PID_FILE_READ_LIMIT), StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new ReopenFailure("pid file " + file + " does not exist; is the MCP server running?");
    } catch (IOException e) {
      throw new ReopenFailure(
          "pid file "
              + file
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); check the agent's permissions on it",
          e);
    }
    if (text.isEmpty()) {
      throw new ReopenFailure("pid file " + file + " is empty; is the MCP server running?");
    }
    if (text.chars().allMatch(c -> c >= '0' && c <= '9') && text.length() <= 10) {
      long parsed = Long.parseLong(text);
      if (parsed > 0 && parsed <= Integer.MAX_VALUE) {
        return parsed;
      }
    }
    throw new ReopenFailure(
        "pid file "
            + file
            + " does not hold a process id (it reads \""
            + abbreviate(text)
            + "\"); check that it is the MCP server's pid file");
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= 20 ? oneLine : oneLine.substring(0, 20) + "...";
  }

  @Override
  public String toString() {
    return signalName
        + " to "
        + (pid.isPresent() ? "pid " + pid.getAsLong() : "the pid in " + pidFile.orElseThrow());
  }
}
