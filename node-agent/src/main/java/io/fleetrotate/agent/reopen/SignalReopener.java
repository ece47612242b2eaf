package io.fleetrotate.agent.reopen;

import io.fleetrotate.agent.os.ProcFs;
import io.fleetrotate.agent.rotate.live.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Sends a signal (HUP, USR1, ...) to the MCP server, whose pid is either fixed or read from a pid
 * file on every call: a server restarted since the last rotation has a new pid.
 *
 * <p>A pid file is a claim anyone who can write it can make, so the process it names is signalled
 * only if it holds the log open (a descriptor in {@code /proc/PID/fd} resolves to the log's device
 * and inode, compared by stat, never by name) or runs as the log's owner (its effective uid in
 * {@code /proc/PID/status}). Refused outright, each with one sentence: pid 1, the agent's own pid,
 * and a pid file that is a symbolic link, is writable by its group or by others, or is owned by a
 * user other than root and the log's owner; and a process that ignores the signal (started under
 * {@code nohup}) or has no handler for it (the signal would stop it, not reopen its log), read from
 * the masks in {@code /proc/PID/status}. {@link #check} runs these checks before the log is moved
 * aside, so a wrong or dead pid leaves the log where it was; {@link #reopen} runs them again just
 * before sending, against the file the server held at the check.
 */
public final class SignalReopener implements Reopener {

  /** Sends a signal and returns 0 or the errno; a seam so tests can fake EPERM as root. */
  @FunctionalInterface
  interface SignalSender {
    int send(long pid, int signal);
  }

  // A pid is at most 7 digits on Linux; anything longer is not a pid file.
  private static final int PID_FILE_READ_LIMIT = 64;

  private static final int S_IWGRP = 0020;
  private static final int S_IWOTH = 0002;

  private final String signalName;
  private final int signalNumber;
  private final OptionalLong pid;
  private final Optional<Path> pidFile;
  private final SignalSender sender;
  private final Path log;

  /** The log the server held at the last {@link #check}: what it must still hold when signalled. */
  private volatile LogIdentity checked;

  /** A file by stat: what a descriptor of the server must resolve to, and who owns it. */
  private record LogIdentity(Path path, Object device, Object inode, int ownerUid) {
    static Optional<LogIdentity> of(Path file) throws IOException {
      try {
        // The name's own attributes: a symbolic link swapped in for the log lends the agent's
        // trust to nobody but the link's owner.
        Map<String, Object> a =
            Files.readAttributes(file, "unix:dev,ino,uid", LinkOption.NOFOLLOW_LINKS);
        return Optional.of(
            new LogIdentity(file, a.get("dev"), a.get("ino"), (Integer) a.get("uid")));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }

    boolean sameFile(Map<String, Object> attrs) {
      return device.equals(attrs.get("dev")) && inode.equals(attrs.get("ino"));
    }
  }

  /**
   * @param signalName {@code HUP}, {@code USR1}, {@code USR2}, ... with or without {@code SIG}
   * @param pid the server's pid; give this or {@code pidFile}, not both
   * @param pidFile a file holding the server's pid, read on every {@link #reopen()}
   * @param log the live log the server writes: the process must hold it open or run as its owner
   * @throws IllegalArgumentException when the signal is unknown, both or neither of pid and pid
   *     file are given, or the pid is not positive
   */
  public SignalReopener(String signalName, OptionalLong pid, Optional<Path> pidFile, Path log) {
    this(signalName, pid, pidFile, log, LinuxSignals::kill);
  }

  SignalReopener(
      String signalName, OptionalLong pid, Optional<Path> pidFile, Path log, SignalSender sender) {
    Objects.requireNonNull(log, "log");
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
    this.log = log;
  }

  /**
   * Refuses, before the log is moved aside, a pid that {@link #reopen} would refuse: one that is
   * not running, is pid 1 or the agent, or neither holds {@code held} open nor runs as its owner.
   *
   * @param held the file the server writes now (the live log before it is moved)
   */
  @Override
  public void check(Path held) throws ReopenFailure {
    LogIdentity identity;
    try {
      identity =
          LogIdentity.of(held)
              .orElseThrow(() -> new ReopenFailure(held + " does not exist; nothing to reopen"));
    } catch (IOException e) {
      throw new ReopenFailure("cannot stat " + held + " (" + e.getMessage() + ")", e);
    }
    verifiedTarget(List.of(identity));
    checked = identity;
  }

  @Override
  public void reopen() throws ReopenFailure {
    List<LogIdentity> held = new ArrayList<>(2);
    LogIdentity atCheck = checked;
    if (atCheck != null) {
      held.add(atCheck); // the file the server writes, moved aside since
    }
    try {
      LogIdentity.of(log)
          .filter(now -> atCheck == null || !now.equals(atCheck))
          .ifPresent(held::add);
    } catch (IOException e) {
      // The identity at the check decides alone.
    }
    if (held.isEmpty()) {
      throw new ReopenFailure(
          log + " does not exist, so the agent cannot tell whether the pid is the MCP server's");
    }
    long target = verifiedTarget(held);
    String process = describe(target);
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

  /** The pid to signal, once every check passed against {@code held}. */
  private long verifiedTarget(List<LogIdentity> held) throws ReopenFailure {
    long target =
        pid.isPresent() ? pid.getAsLong() : readPid(pidFile.orElseThrow(), held.get(0).ownerUid());
    String process = describe(target);
    if (target == ProcessHandle.current().pid()) {
      // The JVM treats SIGHUP as a shutdown request: signalling ourselves would stop the agent.
      throw new ReopenFailure(
          process + " is the agent itself; the pid must be the MCP server's, not the agent's");
    }
    if (target == 1) {
      throw new ReopenFailure(
          process + " is the init process, which is never the MCP server; check the pid");
    }
    if (!isRunning(target)) {
      throw notRunning(process);
    }
    // Read once: the uid and the signal masks come from the same /proc/PID/status.
    Optional<ProcStatus> status = ProcStatus.read(target);
    Optional<Integer> uid = status.flatMap(ProcStatus::effectiveUid);
    if (!holdsOrOwns(target, uid, held)) {
      throw new ReopenFailure(
          process
              + " neither holds "
              + held.get(0).path()
              + " open nor runs as its owner (uid "
              + held.get(0).ownerUid()
              + uid.map(u -> "; the process runs as uid " + u).orElse("")
              + "), so it is not the MCP server writing that log; check the pid"
              + (pidFile.isPresent() ? " file" : ""));
    }
    if (status.isPresent()) {
      checkHandlesSignal(target, status.get(), process);
    }
    return target;
  }

  private String describe(long target) {
    return "process " + target + pidFile.map(f -> " from " + f).orElse("");
  }

  /** Whether {@code target} has a descriptor on one of {@code held}, or runs as its owner. */
  private static boolean holdsOrOwns(long target, Optional<Integer> uid, List<LogIdentity> held) {
    if (uid.isPresent() && held.stream().anyMatch(h -> h.ownerUid() == uid.get())) {
      return true;
    }
    // Follows each descriptor's magic link: the open file itself, even renamed or deleted.
    return ProcFs.anyDescriptor(
        target,
        fd -> {
          Map<String, Object> attrs = Files.readAttributes(fd, "unix:dev,ino");
          return held.stream().anyMatch(h -> h.sameFile(attrs));
        });
  }

  /**
   * The part of {@code /proc/PID/status} the checks read: the effective uid, and the signal masks
   * (the main thread's blocked set, the process's ignored and caught sets), bit {@code n - 1} for
   * signal {@code n}.
   */
  private record ProcStatus(
      Optional<Integer> effectiveUid, long blocked, long ignored, long caught) {
    static Optional<ProcStatus> read(long target) {
      try {
        Optional<Integer> uid = Optional.empty();
        long blocked = 0;
        long ignored = 0;
        long caught = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(target), "status"))) {
          if (line.startsWith("Uid:")) {
            uid = Optional.of(Integer.parseInt(line.substring(4).strip().split("\\s+")[1]));
          } else if (line.startsWith("SigBlk:")) {
            blocked = Long.parseUnsignedLong(line.substring(7).strip(), 16);
          } else if (line.startsWith("SigIgn:")) {
            ignored = Long.parseUnsignedLong(line.substring(7).strip(), 16);
          } else if (line.startsWith("SigCgt:")) {
            caught = Long.parseUnsignedLong(line.substring(7).strip(), 16);
          }
        }
        return Optional.of(new ProcStatus(uid, blocked, ignored, caught));
      } catch (IOException | RuntimeException e) {
        return Optional.empty(); // gone, or an unexpected format: unknown
      }
    }
  }

  /**
   * Refuses a process that would not reopen on the signal: one that ignores it (started under
   * {@code nohup}, or by a parent that ignored it: an ignored signal is inherited and cannot be
   * trapped again by a shell), or has no handler for it and does not block it for {@code sigwait}
   * or a signalfd (nor waits for it in {@code sigwait}), so the kernel's default action would stop
   * it (or, for WINCH, do nothing). Unreadable status decides nothing: {@code kill(2)} and the
   * checks above do.
   */
  private void checkHandlesSignal(long target, ProcStatus status, String process)
      throws ReopenFailure {
    long bit = 1L << (signalNumber - 1);
    if ((status.ignored() & bit) != 0) {
      throw new ReopenFailure(
          process
              + " ignores "
              + signalName
              + " (started with it ignored, as under nohup), so it would never reopen its log;"
              + " start the MCP server with "
              + signalName
              + " at its default, or use the copytruncate reopen method");
    }
    if ((status.caught() & bit) == 0 && (status.blocked() & bit) == 0 && !waitsForSignals(target)) {
      throw new ReopenFailure(
          process
              + " has no handler for "
              + signalName
              + ", so the signal would "
              + (signalNumber == LinuxSignals.SIGWINCH ? "do nothing" : "stop it")
              + " instead of making it reopen its log; configure the signal the MCP server reopens"
              + " on, or use the copytruncate reopen method");
    }
  }

  // rt_sigtimedwait, by architecture: the call behind sigwait(3) and sigtimedwait(2).
  private static final Map<String, Integer> SIGTIMEDWAIT =
      Map.of("amd64", 128, "x86_64", 128, "aarch64", 137);

  // A bound on the threads read; an MCP server has tens.
  private static final int MAX_THREADS_READ = 4096;

  /**
   * Whether a thread of {@code target} sits in {@code sigtimedwait}: while it waits, the kernel
   * takes the awaited signals out of its blocked set, so a single-threaded {@code sigwait} loop
   * shows neither a handler nor a block. Read from {@code /proc/PID/task/TID/syscall} (root, or the
   * process's own user); unreadable counts as not waiting.
   */
  private static boolean waitsForSignals(long target) {
    Integer call = SIGTIMEDWAIT.get(System.getProperty("os.arch"));
    if (call == null) {
      return false;
    }
    Path tasks = Path.of("/proc", Long.toString(target), "task");
    try (var threads = Files.list(tasks)) {
      return threads
          .limit(MAX_THREADS_READ)
          .anyMatch(
              t -> {
                try {
                  String line = Files.readString(t.resolve("syscall")).strip();
                  int space = line.indexOf(' ');
                  return space > 0 && line.substring(0, space).equals(call.toString());
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (IOException e) {
      return false;
    }
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

  /**
   * Reads the pid from {@code file} after checking that only root or the log's owner can have
   * written it. The file is opened once ({@code O_NOFOLLOW|O_NONBLOCK}: a link is refused, a FIFO
   * cannot block) and checked and read through that descriptor, so nothing swapped in between a
   * check and the read is ever trusted.
   */
  private static long readPid(Path file, int logOwnerUid) throws ReopenFailure {
    String text;
    try (FileHandle pidFile = FileHandle.openForReading(file)) {
      checkPidFileTrusted(file, pidFile.opened(), logOwnerUid);
      ByteBuffer buf = ByteBuffer.allocate(PID_FILE_READ_LIMIT);
      while (buf.hasRemaining() && pidFile.read(buf, buf.position()) > 0) {
        // read until the limit or the end of the file
      }
      text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
    } catch (FileHandle.NotARegularFileException e) {
      throw new ReopenFailure(
          "pid file "
              + file
              + (e.symbolicLink()
                  ? " is a symbolic link, which could point anywhere; configure the real file"
                  : " is not a regular file; configure the file the MCP server writes its pid"
                      + " to"));
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

  private static void checkPidFileTrusted(Path file, FileHandle.Stat st, int logOwnerUid)
      throws ReopenFailure {
    if (st.links() != 1) {
      throw new ReopenFailure(
          "pid file "
              + file
              + " has "
              + st.links()
              + " hard links, so it may be another program's file; have the MCP server write a"
              + " file of its own");
    }
    if ((st.mode() & (S_IWGRP | S_IWOTH)) != 0) {
      throw new ReopenFailure(
          "pid file "
              + file
              + " is writable by its group or by others (mode "
              + String.format("%03o", st.permissions() & 0777)
              + "), so anyone could make the agent signal any process; chmod go-w it");
    }
    if (st.uid() != 0 && st.uid() != logOwnerUid) {
      throw new ReopenFailure(
          "pid file "
              + file
              + " is owned by uid "
              + st.uid()
              + ", neither root nor the log's owner (uid "
              + logOwnerUid
              + "), so it cannot be trusted to name the MCP server; have root or the log's owner"
              + " write it");
    }
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
