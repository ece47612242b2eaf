package io.fleetrotate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shared test tools: the sequence writer and the lost-line counter in ../shared/tools. */
final class SharedTools {
  private SharedTools() {}

  static Path dir() {
    String env = System.getenv("FLEETROTATE_SHARED_DIR");
    Path shared = env != null ? Path.of(env) : Path.of("..", "..", "shared");
    Path tools = shared.resolve("tools").toAbsolutePath().normalize();
    assertThat(tools.resolve("seq-writer.py"))
        .as("the shared test tools (set FLEETROTATE_SHARED_DIR to the shared directory)")
        .exists();
    return tools;
  }

  /** Starts seq-writer.py appending to {@code log}; returns the running process. */
  static Process startWriter(Path log, int linesPerSecond, double seconds, Path output)
      throws IOException {
    return startWriter(log, linesPerSecond, seconds, 120, output);
  }

  /** As above, with {@code padBytes} of padding in each line. */
  static Process startWriter(
      Path log, int linesPerSecond, double seconds, int padBytes, Path output) throws IOException {
    return new ProcessBuilder(
            "python3",
            dir().resolve("seq-writer.py").toString(),
            log.toString(),
            "--rate",
            Integer.toString(linesPerSecond),
            "--seconds",
            Double.toString(seconds),
            "--pad",
            Integer.toString(padBytes))
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  /** Waits for the writer to end and returns the last sequence number it wrote. */
  static long awaitWriter(Process writer, Path output) throws Exception {
    assertThat(writer.waitFor(120, TimeUnit.SECONDS)).as("writer finished").isTrue();
    assertThat(writer.exitValue()).as("writer exit code").isZero();
    String text = Files.readString(output, StandardCharsets.UTF_8).trim();
    String[] words = text.split("\\s+");
    return Long.parseLong(words[words.length - 1].replaceAll("\\D", ""));
  }

  /** {@code [missing, duplicated]} over every given file, from count-lost.py. */
  static long[] countLost(long last, List<Path> files) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.add(dir().resolve("count-lost.py").toString());
    cmd.add(Long.toString(last));
    files.forEach(f -> cmd.add(f.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("count-lost.py: " + out).isZero();
    // lines=N missing=M duplicated=D
    long missing = Long.parseLong(out.replaceAll(".*missing=(\\d+).*", "$1"));
    long dup = Long.parseLong(out.replaceAll(".*duplicated=(\\d+).*", "$1"));
    return new long[] {missing, dup};
  }

  /** The live log and every file that starts with its name in its directory. */
  static List<Path> logAndBackups(Path log) throws IOException {
    try (var s = Files.list(log.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(log.getFileName().toString()))
          .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
          .sorted()
          .toList();
    }
  }
}
