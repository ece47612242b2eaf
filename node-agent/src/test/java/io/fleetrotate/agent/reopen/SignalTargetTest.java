package io.fleetrotate.agent.reopen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal reaches only a process that holds the live log open or runs as the log's owner; pid 1,
 * and pid files that someone other than root or the log's owner could have written, are refused.
 * Real child processes of other uids (setpriv), a log owned by {@value #LOG_OWNER}. Needs root and
 * setpriv: skipped with a reason without them, failed under CI=true.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalTargetTest {
  static final int LOG_OWNER = 4242;
  static final int STRANGER = 4343;

  /** Prints "ready" once its handler is installed, then "HUP" for each SIGHUP. */
  private static final String HUP_RECORDER =
      "trap 'echo HUP' HUP; echo ready; while :; do sleep 1 & wait $!; done";

  @TempDir Path dir;
  private Path log;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void needsRootAndSetpriv() throws Exception {
    String why = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      why = "it runs children as other uids, which needs root";
    } else if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      why = "/usr/bin/setpriv (util-linux) is missing";
    }
    if (why != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("SignalTargetTest cannot run under CI: " + why);
      }
      System.out.println("SignalTargetTest skipped: " + why);
      Assumptions.abort(why);
    }
    log = Files.writeString(dir.resolve("server.log"), "{\"seq\":1}\n");
    Files.setAttribute(log, "unix:uid", LOG_OWNER);
  }

  @AfterEach
  void stopChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void anotherUsersProcessThatDoesNotHoldTheLogIsRefusedAndNotSignalled() throws Exception {
    Child stranger = start(STRANGER, false);
    Reopener reopener = byPidFile(stranger.pid());

    assertThatThrownBy(() -> reopener.check(log))
        .isInstanceOf(ReopenFailure.class)
        .hasMessageContaining("neither holds " + log + " open nor runs as its owner (uid 4242")
        .hasMessageContaining("runs as uid 4343");
    assertThatThrownBy(reopener::reopen).isInstanceOf(ReopenFailure.class);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> stranger.process().isAlive() && stranger.lines().equals(List.of("ready")));
  }

  @Test
  void anotherUsersProcessHoldingTheLogOpenIsSignalledAfterTheMove() throws Exception {
    Child holder = start(STRANGER, true);
    Reopener reopener = byPidFile(holder.pid());

    reopener.check(log);
    // As the engine does: move the log aside, create a new one (not held by anybody), then signal.
    Files.move(log, dir.resolve("server.log.1"));
    Files.writeString(log, "");
    reopener.reopen();

    await().atMost(Duration.ofSeconds(5)).until(() -> holder.lines().contains("HUP"));
  }

  @Test
  void aProcessRunningAsTheLogsOwnerIsSignalled() throws Exception {
    Child owner = start(LOG_OWNER, false);
    Reopener reopener = byPidFile(owner.pid());

    reopener.check(log);
    reopener.reopen();

    await().atMost(Duration.ofSeconds(5)).until(() -> owner.lines().contains("HUP"));
  }

  @Test
  void pidOneIsRefused() throws Exception {
    Reopener reopener = byPidFile(1);

    assertThatThrownBy(() -> reopener.check(log))
        .isInstanceOf(ReopenFailure.class)
        .hasMessageContaining("process 1 from")
        .hasMessageContaining("is the init process");
  }

  @Test
  void aGroupOrWorldWritablePidFileIsRefused() throws Exception {
    Child owner = start(LOG_OWNER, false);
    for (String mode : List.of("rw-rw-r--", "rw-r--rw-")) {
      Reopener reopener = byPidFile(owner.pid());
      Files.setPosixFilePermissions(dir.resolve("mcp.pid"), PosixFilePermissions.fromString(mode));

      assertThatThrownBy(() -> reopener.check(log))
          .isInstanceOf(ReopenFailure.class)
          .hasMessageContaining("is writable by its group or by others")
          .hasMessageContaining("chmod go-w");
    }
    assertThat(owner.lines()).containsExactly("ready");
  }

  @Test
  void aPidFileOwnedByNeitherRootNorTheLogsOwnerIsRefused() throws Exception {
    Child owner = start(LOG_OWNER, false);
    Reopener reopener = byPidFile(owner.pid());
    Files.setAttribute(dir.resolve("mcp.pid"), "unix:uid", STRANGER);

    assertThatThrownBy(() -> reopener.check(log))
        .isInstanceOf(ReopenFailure.class)
        .hasMessageContaining("is owned by uid 4343, neither root nor the log's owner (uid 4242)");

    Files.setAttribute(dir.resolve("mcp.pid"), "unix:uid", LOG_OWNER);
    reopener.check(log);
    reopener.reopen();
    await().atMost(Duration.ofSeconds(5)).until(() -> owner.lines().contains("HUP"));
  }

  @Test
  void aPidFileThatIsASymbolicLinkIsRefused() throws Exception {
    Child owner = start(LOG_OWNER, false);
    Path real = Files.writeString(dir.resolve("real.pid"), Long.toString(owner.pid()));
    Path link = Files.createSymbolicLink(dir.resolve("link.pid"), real);
    Reopener reopener = new SignalReopener("HUP", OptionalLong.empty(), Optional.of(link), log);

    assertThatThrownBy(() -> reopener.check(log))
        .isInstanceOf(ReopenFailure.class)
        .hasMessageContaining("is a symbolic link");
  }

  private Reopener byPidFile(long pid) throws IOException {
    Path pidFile = Files.writeString(dir.resolve("mcp.pid"), pid + "\n");
    Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-r--r--"));
    return new SignalReopener("HUP", OptionalLong.empty(), Optional.of(pidFile), log);
  }

  /** A child process and the lines it printed so far. */
  private record Child(Process process, List<String> lines) {
    long pid() {
      return process.pid();
    }
  }

  /**
   * Starts {@link #HUP_RECORDER} as {@code uid}; with {@code holdingLog}, with the log open on
   * descriptor 3 (opened as root before dropping to the uid, as a server started by root would).
   */
  private Child start(int uid, boolean holdingLog) throws IOException {
    // env --default-signal: a shell cannot trap a signal that was ignored when it started, and the
    // suite may run under nohup (SIGHUP ignored, inherited by every child).
    String drop =
        "exec setpriv --reuid="
            + uid
            + " --regid="
            + uid
            + " --clear-groups env --default-signal=HUP sh -c \"$2\"";
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                (holdingLog ? "exec 3>>\"$1\"; " : "") + drop,
                "sh",
                log.toString(),
                HUP_RECORDER)
            .redirectErrorStream(true)
            .start();
    children.add(p);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // The child was stopped.
              }
            });
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("ready") || !p.isAlive());
    assertThat(lines).as("child as uid %d did not start: %s", uid, lines).contains("ready");
    return new Child(p, lines);
  }
}
