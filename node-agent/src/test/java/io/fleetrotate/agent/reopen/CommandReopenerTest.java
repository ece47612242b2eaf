package io.fleetrotate.agent.reopen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandReopenerTest {

  @TempDir Path dir;

  @Test
  void commandExitingZeroIsSuccess() throws Exception {
    Path marker = dir.resolve("reopened");

    new CommandReopener(List.of("touch", marker.toString()), Duration.ofSeconds(10)).reopen();

    assertThat(marker).exists();
  }

  @Test
  void nonZeroExitFailsWithTheStatusAndWhatTheCommandPrinted() {
    Reopener reopener =
        new CommandReopener(
            List.of("sh", "-c", "echo reloading; echo 'no such unit' >&2; exit 3"),
            Duration.ofSeconds(10));

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "reopen command \"sh -c 'echo reloading; echo 'no such unit' >&2; exit 3'\""
                + " exited with status 3; it printed: reloading\nno such unit");
  }

  @Test
  void silentFailureSaysItPrintedNothing() {
    Reopener reopener = new CommandReopener(List.of("false"), Duration.ofSeconds(10));

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessage(
            "reopen command \"false\" exited with status 1;"
                + " it printed nothing, run it by hand to see why");
  }

  @Test
  void onlyTheLastFourKibOfOutputAreKept() {
    Reopener reopener =
        new CommandReopener(
            List.of("python3", "-c", "print('a' * 100000); print('THE END'); raise SystemExit(2)"),
            Duration.ofSeconds(10));

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessageEndingWith("aaa\nTHE END")
        .hasMessageContaining("; the last 4096 bytes it printed: ")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(4096 + 200));
  }

  @Test
  void commandPastItsTimeoutIsKilledWithItsChildren() throws Exception {
    Path childPid = dir.resolve("child.pid");
    // The shell waits on a background sleep: killing only the shell would leave the sleep behind.
    Reopener reopener =
        new CommandReopener(
            List.of("sh", "-c", "sleep 10 & echo $! > " + childPid + "; wait"),
            Duration.ofMillis(300));

    long started = System.nanoTime();
    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessageStartingWith(
            "reopen command \"sh -c 'sleep 10 & echo $! > "
                + childPid
                + "; wait'\" did not finish within 300 ms and was killed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));

    long sleepPid = Long.parseLong(Files.readString(childPid).strip());
    await().atMost(Duration.ofSeconds(2)).until(() -> isDeadOrZombie(sleepPid));
  }

  /** Killed and re-parented, the sleep may stay a zombie until init gets round to reaping it. */
  private static boolean isDeadOrZombie(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      return text.charAt(text.lastIndexOf(')') + 2) == 'Z';
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  @Test
  void missingProgramFailsSayingItCouldNotStart() {
    Reopener reopener =
        new CommandReopener(List.of("/nonexistent/reload-mcp"), Duration.ofSeconds(1));

    assertThatThrownBy(reopener::reopen)
        .isInstanceOf(ReopenFailure.class)
        .hasMessageStartingWith(
            "reopen command \"/nonexistent/reload-mcp\" could not be started (Cannot run program");
  }
}
