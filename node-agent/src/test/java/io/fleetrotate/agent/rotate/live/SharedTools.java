package io.fleetrotate.agent.rotate.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The project's shared test tools: seq-writer.py writes numbered lines, count-lost.py checks. */
public final class SharedTools {

  private SharedTools() {}

  /** A script in shared/tools, found through FLEETROTATE_SHARED_DIR or else ../shared. */
  static Path tool(String name) {
    String configured = System.getenv("FLEETROTATE_SHARED_DIR");
    Path shared;
    if (configured != null && !configured.isBlank()) {
      shared = Path.of(configured);
    } else {
      Path root = Path.of("").toAbsolutePath();
      while (root != null && !Files.exists(root.resolve("mvnw"))) {
        root = root.getParent();
      }
      assertThat(root).as("project root (holding mvnw) above the working directory").isNotNull();
      shared = root.resolveSibling("shared");
    }
    Path tool = shared.resolve("tools").resolve(name);
    assertThat(tool).as("shared tool; set FLEETROTATE_SHARED_DIR").isRegularFile();
    return tool;
  }

  /** A running seq-writer.py appending to one path with an O_APPEND descriptor. */
  public static final class SeqWriter implements AutoCloseable {
    private final Process process;

    private SeqWriter(Process process) {
      this.process = process;
    }

    public static SeqWriter start(Path log, int linesPerSecond, double seconds) throws IOException {
      return new SeqWriter(
          new ProcessBuilder(
                  "python3",
                  tool("seq-writer.py").toString(),
                  log.toString(),
                  "--rate",
                  Integer.toString(linesPerSecond),
                  "--seconds",
                  Double.toString(seconds))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start());
    }

    public boolean isRunning() {
      return process.isAlive();
    }

    /** Waits for the writer to finish; returns the last sequence number it wrote. */
    public long lastSequenceNumber(Duration limit) throws IOException, InterruptedException {
      assertThat(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
          .as("seq-writer finished within " + limit)
          .isTrue();
      assertThat(process.exitValue()).as("seq-writer exit status").isZero();
      return Long.parseLong(
          new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** What count-lost.py found over some files. */
  public record LossCount(long lines, long missing, long duplicated) {
    private static final Pattern OUTPUT =
        Pattern.compile("lines=(\\d+) missing=(\\d+) duplicated=(\\d+)");

    public static LossCount over(long lastSequenceNumber, List<Path> files)
        throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add("python3");
      command.add(tool("count-lost.py").toString());
      command.add(Long.toString(lastSequenceNumber));
      files.forEach(f -> command.add(f.toString()));
      Process counter = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(counter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(counter.waitFor()).as("count-lost.py said: " + output).isZero();
      Matcher m = OUTPUT.matcher(output);
      assertThat(m.find()).as("count-lost.py output: " + output).isTrue();
      return new LossCount(
          Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }
  }
}
