package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One child process of the fleet: its command, its log file (stdout and stderr, appended across
 * restarts), and the faults a test injects into it. Every method is safe to call on a process that
 * has already exited.
 */
public final class ManagedProcess {
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final Role role;
  private final List<String> command;
  private final Path log;
  private final BiConsumer<String, Long> onStart;

  // Guarded by this.
  private Process process;
  private int starts;
  private List<String> extraJvmOptions = List.of();
  private List<String> hookJvmOptions = List.of();
  private List<String> launcher = List.of();

  /** What a process is, which also orders the stop: agents first, the services they use last. */
  public enum Role {
    AGENT,
    MCP_SERVER,
    COORDINATOR,
    REDIS
  }

  ManagedProcess(
      String name, Role role, List<String> command, Path log, BiConsumer<String, Long> onStart) {
    this.name = name;
    this.role = role;
    this.command = List.copyOf(command);
    this.log = log;
    this.onStart = onStart;
  }

  public String name() {
    return name;
  }

  public Role role() {
    return role;
  }

  /** Its stdout and stderr, every run appended, each run headed by a line with the command. */
  public Path log() {
    return log;
  }

  public List<String> command() {
    return command;
  }

  /**
   * JVM options put after the {@code java} of the command from the next start on (test hooks such
   * as {@code -Dfleetrotate.chaos.pauseAfter=MOVED}); an empty list removes them.
   */
  public synchronized void extraJvmOptions(List<String> options) {
    this.extraJvmOptions = List.copyOf(options);
  }

  /**
   * JVM options kept across every start, whatever {@link #extraJvmOptions} a scenario sets and
   * clears (a hook that must stay armed, such as the clock offset file).
   */
  public synchronized void hookJvmOptions(List<String> options) {
    this.hookJvmOptions = List.copyOf(options);
  }

  /**
   * A command the process is started under from the next start on, such as {@code ip netns exec NS}
   * (which must exec the command, so that the pid and signals stay the process's own); the JVM
   * options still go right after {@code java}. An empty list (the default) starts it directly.
   */
  public synchronized void launcher(List<String> prefix) {
    this.launcher = List.copyOf(prefix);
  }

  private List<String> commandLine() {
    if (extraJvmOptions.isEmpty() && hookJvmOptions.isEmpty() && launcher.isEmpty()) {
      return command;
    }
    List<String> line = new java.util.ArrayList<>(launcher);
    line.add(command.get(0));
    line.addAll(hookJvmOptions);
    line.addAll(extraJvmOptions);
    line.addAll(command.subList(1, command.size()));
    return line;
  }

  /** Starts it; a no-op when it is already running. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      Files.createDirectories(log.getParent());
      starts++;
      Files.writeString(
          log,
          "=== "
              + Instant.now()
              + " start #"
              + starts
              + " of "
              + name
              + ": "
              + String.join(" ", commandLine())
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(commandLine())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
    }
    onStart.accept(name, process.pid());
  }

  /** The pid of the current (or last) run; -1 before the first start. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The exit code of the last run, empty while it runs or before it started. */
  public synchronized Optional<Integer> exitCode() {
    return process == null || process.isAlive()
        ? Optional.empty()
        : Optional.of(process.exitValue());
  }

  /**
   * The last {@code n} lines of its log that are not stack frames, to say why it stopped; empty
   * when the log cannot be read.
   */
  public List<String> logTail(int n) {
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... "))
              .toList();
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /** How many times it was started. */
  public synchronized int starts() {
    return starts;
  }

  /** SIGKILL, as a crash: returns once the process is gone. */
  public synchronized void kill() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroyForcibly();
    awaitExit(process, EXIT_WAIT);
  }

  /**
   * SIGSTOP: the process freezes (a GC pause, a hung host) until {@link #resume()}. Returns once
   * the kernel shows it stopped (signals are delivered asynchronously).
   */
  public synchronized void pause() {
    signal("STOP");
    awaitState(true);
  }

  /** SIGCONT; returns once the kernel no longer shows it stopped. */
  public synchronized void resume() {
    signal("CONT");
    awaitState(false);
  }

  /** Whether the kernel shows the process stopped (state T in /proc/PID/stat). */
  public synchronized boolean isPaused() {
    return process != null && process.isAlive() && procState(process.pid()) == 'T';
  }

  private void awaitState(boolean stopped) {
    if (process == null || !Files.exists(Path.of("/proc/self/stat"))) {
      return;
    }
    long pid = process.pid();
    Waits.until(
        Duration.ofSeconds(5),
        name + (stopped ? " stopped" : " resumed"),
        () -> (procState(pid) == 'T') == stopped,
        () -> !process.isAlive());
  }

  private static char procState(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException | IndexOutOfBoundsException e) {
      return '?';
    }
  }

  /** Sends a signal by name (HUP, USR1, INT, ...) to the running process. */
  public synchronized void signal(String signal) {
    if (process == null || !process.isAlive()) {
      return;
    }
    Signals.send(signal, process.pid());
  }

  /**
   * Stops it gracefully: SIGCONT (a stopped process cannot handle SIGTERM), SIGTERM, then SIGKILL
   * after {@code grace}. Returns once it is gone.
   */
  public synchronized void stop(Duration grace) {
    beginStop();
    finishStop(grace);
  }

  /** Kills (SIGKILL) or stops and starts it again with the same command. */
  public synchronized void restart(boolean crash) {
    if (crash) {
      kill();
    } else {
      stop(EXIT_WAIT);
    }
    start();
  }

  /** First half of a stop: SIGCONT and SIGTERM, without waiting (to stop many at once). */
  synchronized void beginStop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    Signals.send("CONT", process.pid());
    process.destroy();
  }

  /** Second half: waits up to {@code grace}, then SIGKILL and waits for the end. */
  synchronized void finishStop(Duration grace) {
    if (process == null) {
      return;
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        awaitExit(process, EXIT_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitExit(Process p, Duration wait) {
    try {
      if (!p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            name + " (pid " + p.pid() + ") did not exit within " + wait.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized String toString() {
    return name + (process == null ? " (not started)" : " (pid " + process.pid() + ")");
  }
}
