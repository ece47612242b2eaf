package io.fleetrotate.agent.reopen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a command that makes the MCP server reopen its log (a {@code systemctl reload}, a script).
 * Exit status 0 is success; otherwise its last output is in the failure message. A command still
 * running at the timeout is killed with its child processes.
 */
public final class CommandReopener implements Reopener {

  static final int OUTPUT_KEPT_BYTES = 4096;

  // After the command ended, a child it left behind may still hold the output pipe open.
  private static final Duration OUTPUT_DRAIN_LIMIT = Duration.ofMillis(500);

  private final List<String> argv;
  private final Duration timeout;

  /**
   * @param argv the program and its arguments, run without a shell
   * @param timeout how long the command may run before it is killed
   * @throws IllegalArgumentException when argv is empty or the timeout is not positive
   */
  public CommandReopener(List<String> argv, Duration timeout) {
    this.argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (this.argv.isEmpty() || this.argv.get(0).isBlank()) {
      throw new IllegalArgumentException("reopen command must name a program to run");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("reopen command timeout must be positive, got " + timeout);
    }
  }

  @Override
  public void reopen() throws ReopenFailure {
    Process process;
    try {
      process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new ReopenFailure(
          "reopen command " + this + " could not be started (" + e.getMessage() + ")", e);
    }
    OutputTail output = new OutputTail(process.getInputStream());
    Thread drainer = new Thread(output, "reopen-command-output");
    drainer.setDaemon(true);
    drainer.start();
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Nothing is written to the command's stdin; failing to close it changes nothing.
    }
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        killTree(process);
        drainer.join(OUTPUT_DRAIN_LIMIT.toMillis());
        throw new ReopenFailure(
            "reopen command "
                + this
                + " did not finish within "
                + timeout.toMillis()
                + " ms and was killed"
                + output.describe());
      }
      drainer.join(OUTPUT_DRAIN_LIMIT.toMillis());
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      throw new ReopenFailure(
          "reopen command " + this + " was interrupted and killed; the agent is shutting down", e);
    }
    int status = process.exitValue();
    if (status != 0) {
      throw new ReopenFailure(
          "reopen command " + this + " exited with status " + status + output.describe());
    }
  }

  /**
   * Kills the command and everything it started. Descendants are collected before the command dies,
   * since once it is gone they are re-parented and no longer found; one forked in between escapes.
   */
  private static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public String toString() {
    return argv.stream()
        .map(a -> a.isEmpty() || a.matches(".*[\\s\"'].*") ? "'" + a + "'" : a)
        .collect(Collectors.joining(" ", "\"", "\""));
  }

  /** Keeps the last {@link #OUTPUT_KEPT_BYTES} of a stream, reading it to its end. */
  private static final class OutputTail implements Runnable {
    private final InputStream in;
    private final byte[] ring = new byte[OUTPUT_KEPT_BYTES];
    private long total;

    OutputTail(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          append(buffer, n);
        }
      } catch (IOException e) {
        // The process was killed and its pipe closed; what was read so far is kept.
      }
    }

    private synchronized void append(byte[] buffer, int n) {
      for (int i = 0; i < n; i++) {
        ring[(int) ((total + i) % ring.length)] = buffer[i];
      }
      total += n;
    }

    synchronized String describe() {
      int kept = (int) Math.min(total, ring.length);
      byte[] last = new byte[kept];
      for (int i = 0; i < kept; i++) {
        last[i] = ring[(int) ((total - kept + i) % ring.length)];
      }
      String text = new String(last, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return "; it printed nothing, run it by hand to see why";
      }
      return (total > kept ? "; the last " + kept + " bytes it printed: " : "; it printed: ")
          + text;
    }
  }
}
