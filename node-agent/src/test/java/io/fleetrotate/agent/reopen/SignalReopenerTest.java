package io.fleetrotate.agent.reopen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalReopenerTest {

  // Records each signal it gets as one line in the marker file; the .ready file says the
  // handlers are installed (before that, SIGHUP would kill it).
  private static final String SIGNAL_RECORDER =
      String.join(
          "\n",
          "import signal, sys",
          "marker = sys.argv[1]",
          "def record(sig, _):",
          "    with open(marker, 'a') as f: f.write(signal.Signals(sig).name + '\\n')",
          "for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2): signal.signal(s, record)",
          "open(marker + '.ready', 'w').close()",
          "while True: signal.pause()",
          "");

  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void hupByPidReachesTheProcess() throws Exception {
    Path marker = dir.resolve("a.signals");
    Process recorder = startRecorder(marker);

    new SignalReopener("HUP", OptionalLong.of(recorder.pid()), Optional.empty(), log()).reopen();

    await().atMost(Duration.ofSeconds(5)).until(() -> signalsIn(marker).equals(List.of("SIGHUP")));
  }

  @Test
  void signalNameMayCarryTheSigPrefixAndUsr1IsSentAsUsr1() throws Exception {
    Path marker = dir.resolve("a.signals");
    Process recorder = startRecorder(marker);

    new SignalReopener("SIGUSR1", OptionalLong.of(recorder.pid()), Optional.empty(), log())
        .reopen();

    await().atMost(Duration.ofSeconds(5)).until(() -> signalsIn(marker).equals(List.of("SIGUSR1")));
  }

  @Test
  void pidFileIsReadAfreshOnEveryReopen() throws Exception {
    Path firstMarker = dir.resolve("first.signals");
    Path secondMarker = dir.resolve("second.signals");
    Process first = startRecorder(firstMarker);
    Process second = startRecorder(secondMarker);
    Path pidFile = dir.resolve("mcp.pid");
    Reopener reopener =
        new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log());

    Files.writeString(pidFile, first.pid() + "\n");
    reopener.reopen();
    await().atMost(Duration.ofSeconds(5)).until(() -> signalsIn(firstMarker).size() == 1);
    Files.writeString(pidFile, "  " + second.pid() + "  \n");
    reopener.reopen();

    await().atMost(Duration.ofSeconds(5)).until(() -> signalsIn(secondMarker).size() == 1);
    assertThat(signalsIn(firstMarker)).containsExactly("SIGHUP");
  }

  @Test
  void seqWriterReopensItsRenamedLogAfterHup() throws Exception {
    Path log = dir.resolve("server.log");
    Process writer =
        start(
            "python3",
            sharedTool("seq-writer.py").toString(),
            log.toString(),
            "--rate",
            "2000",
            "--seconds",
            "30");
    // Its first line is written after its SIGHUP handler is installed.
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.size(log) > 0);
    Path pidFile = dir.resolve("mcp.pid");
    Files.writeString(pidFile, Long.toString(writer.pid()));
    Reopener reopener = new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log);
    reopener.check(log);
    Files.move(log, dir.resolve("server.log.1"));

    reopener.reopen();

    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.size(log) > 0);
    assertThat(Files.readString(log)).startsWith("{\"seq\":");
  }

  @Test
  void missingPidFileAsksWhetherTheServerRuns() throws Exception {
    Path pidFile = dir.resolve("mcp.pid");

    assertThatThrownBy(
            () ->
                new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log())
                    .reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessage("pid file " + pidFile + " does not exist; is the MCP server running?");
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void aFifoAsThePidFileIsRefusedWithoutBlocking() throws Exception {
    Path pidFile = dir.resolve("mcp.pid");
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0644", pidFile.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThatThrownBy(
            () ->
                new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log())
                    .reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessageStartingWith("pid file " + pidFile + " is not a regular file");
  }

  @Test
  void aHardLinkedPidFileIsRefused() throws Exception {
    Path other = Files.writeString(dir.resolve("other-daemon.pid"), "1234\n");
    Path pidFile = Files.createLink(dir.resolve("mcp.pid"), other);

    assertThatThrownBy(
            () ->
                new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log())
                    .reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessageStartingWith("pid file " + pidFile + " has 2 hard links");
  }

  @Test
  void emptyPidFileAsksWhetherTheServerRuns() throws IOException {
    Path pidFile = Files.writeString(dir.resolve("mcp.pid"), " \n");

    assertThatThrownBy(
            () ->
                new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log())
                    .reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessage("pid file " + pidFile + " is empty; is the MCP server running?");
  }

  @Test
  void pidFileWithoutANumberQuotesWhatItHolds() throws IOException {
    Path pidFile = Files.writeString(dir.resolve("mcp.pid"), "mcp-server\n");

    assertThatThrownBy(
            () ->
                new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log())
                    .reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "pid file "
                + pidFile
                + " does not hold a process id (it reads \"mcp-server\");"
                + " check that it is the MCP server's pid file");
  }

  @Test
  void pidFileOfAnExitedProcessSaysItIsNotRunning() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    assertThat(exited.waitFor()).isZero();
    Path pidFile = Files.writeString(dir.resolve("mcp.pid"), exited.pid() + "\n");

    assertThatThrownBy(
            () ->
                new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log())
                    .reopen())
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "process "
                + exited.pid()
                + " from "
                + pidFile
                + " is not running; the MCP server has stopped or left a stale pid file");
  }

  @Test
  void permissionDeniedIsToldApartFromNotRunning() throws Exception {
    Process recorder = startRecorder(dir.resolve("a.signals"));
    Path pidFile = Files.writeString(dir.resolve("mcp.pid"), Long.toString(recorder.pid()));
    // As root kill(2) never answers EPERM, so the sender fakes what a non-root agent would get.
    Reopener reopener =
        new SignalReopener(
            "USR2",
            OptionalLong.empty(),
            Optional.of(pidFile),
            log(),
            (pid, sig) -> LinuxSignals.EPERM);

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "the agent is not permitted to send SIGUSR2 to process "
                + recorder.pid()
                + " from "
                + pidFile
                + "; run the agent as the MCP server's user or as root");
  }

  @Test
  void aProcessStartedWithTheSignalIgnoredIsRefusedBeforeTheLogMoves() throws Exception {
    // As nohup leaves it: SIGHUP ignored, which the MCP server inherits and never reopens on.
    Process server = start("env", "--ignore-signal=HUP", "sleep", "60");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> (Long.parseUnsignedLong(statusLine(server, "SigIgn:"), 16) & 1) != 0);
    Reopener reopener =
        new SignalReopener("HUP", OptionalLong.of(server.pid()), Optional.empty(), log());

    assertThatThrownBy(() -> reopener.check(log()))
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "process "
                + server.pid()
                + " ignores SIGHUP (started with it ignored, as under nohup), so it would never"
                + " reopen its log; start the MCP server with SIGHUP at its default, or use the"
                + " copytruncate reopen method");
    assertThatThrownBy(reopener::reopen).isInstanceOf(ReopenFailure.class);
  }

  @Test
  void aProcessWithoutAHandlerIsRefusedAndNotKilled() throws Exception {
    // sleep installs no handler: SIGUSR1's default action would terminate it.
    Process server = start("env", "--default-signal=USR1", "sleep", "60");
    Reopener reopener =
        new SignalReopener("USR1", OptionalLong.of(server.pid()), Optional.empty(), log());

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "process "
                + server.pid()
                + " has no handler for SIGUSR1, so the signal would stop it instead of making it"
                + " reopen its log; configure the signal the MCP server reopens on, or use the"
                + " copytruncate reopen method");
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void aProcessThatBlocksTheSignalToWaitForItIsSignalled() throws Exception {
    // sigwait (or a signalfd) takes a blocked signal without a handler.
    Path marker = dir.resolve("waited.signals");
    Path script =
        Files.writeString(
            dir.resolve("sigwait.py"),
            String.join(
                "\n",
                "import signal, sys",
                "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})",
                "open(sys.argv[1] + '.ready', 'w').close()",
                "sig = signal.sigwait({signal.SIGHUP})",
                "open(sys.argv[1], 'w').write(signal.Signals(sig).name)",
                ""));
    // env --default-signal: an ignored SIGHUP (the suite run under nohup) is never delivered.
    Process server =
        start("env", "--default-signal=HUP", "python3", script.toString(), marker.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(Path.of(marker + ".ready")));

    new SignalReopener("HUP", OptionalLong.of(server.pid()), Optional.empty(), log()).reopen();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.exists(marker) && Files.readString(marker).equals("SIGHUP"));
  }

  @Test
  void theAgentRefusesToSignalItself() throws Exception {
    Reopener reopener =
        new SignalReopener(
            "HUP", OptionalLong.of(ProcessHandle.current().pid()), Optional.empty(), log());

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessageContaining("is the agent itself");
  }

  @Test
  void unknownSignalNameIsRejectedNamingTheKnownOnes() throws Exception {
    assertThatThrownBy(
            () -> new SignalReopener("RELOAD", OptionalLong.of(1234), Optional.empty(), log()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "reopen signal \"RELOAD\" is not one of ALRM, HUP, INT, QUIT, TERM, USR1, USR2, WINCH;"
                + " use the signal the MCP server reopens its log on");
  }

  @Test
  void exactlyOneOfPidAndPidFileIsRequired() throws Exception {
    assertThatThrownBy(
            () ->
                new SignalReopener(
                    "HUP", OptionalLong.of(1234), Optional.of(dir.resolve("p")), log()))
        .hasMessage("a signal reopen needs exactly one of a pid or a pid file, got both");
    assertThatThrownBy(
            () -> new SignalReopener("HUP", OptionalLong.empty(), Optional.empty(), log()))
        .hasMessage("a signal reopen needs exactly one of a pid or a pid file, got neither");
    assertThatThrownBy(() -> new SignalReopener("HUP", OptionalLong.of(0), Optional.empty(), log()))
        .hasMessage("reopen pid must be a positive process id, got 0");
  }

  /** The live log: owned by root, like the recorders this test starts. */
  private Path log() throws IOException {
    Path log = dir.resolve("live.log");
    if (!Files.exists(log)) {
      Files.writeString(log, "");
    }
    return log;
  }

  private Process startRecorder(Path marker) throws IOException {
    Path script = dir.resolve("signal-recorder.py");
    if (!Files.exists(script)) {
      Files.writeString(script, SIGNAL_RECORDER);
    }
    Process recorder = start("python3", script.toString(), marker.toString());
    Path ready = Path.of(marker + ".ready");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
    return recorder;
  }

  /** The value of one line of the process's {@code /proc/PID/status}. */
  private static String statusLine(Process process, String key) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
        .filter(line -> line.startsWith(key))
        .map(line -> line.substring(key.length()).strip())
        .findFirst()
        .orElseThrow();
  }

  private Process start(String... command) throws IOException {
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    children.add(process);
    return process;
  }

  private static List<String> signalsIn(Path marker) throws IOException {
    return Files.exists(marker) ? Files.readAllLines(marker) : List.of();
  }

  /** A script in the project's shared/tools, found through FLEETROTATE_SHARED_DIR or ../shared. */
  static Path sharedTool(String name) {
    String configured = System.getenv("FLEETROTATE_SHARED_DIR");
    Path shared;
    if (configured != null && !configured.isBlank()) {
      shared = Path.of(configured);
    } else {
      Path root = Path.of("").toAbsolutePath();
      while (root != null && !Files.exists(root.resolve("mvnw"))) {
        root = root.getParent();
      }
      assertThat(root)
          .as("project root (a directory holding mvnw) above the working dir")
          .isNotNull();
      shared = root.resolveSibling("shared");
    }
    Path tool = shared.resolve("tools").resolve(name);
    assertThat(tool).as("shared tool; set FLEETROTATE_SHARED_DIR").isRegularFile();
    return tool;
  }
}
